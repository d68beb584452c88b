import type { Config } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';
import { createInfluxTelemetryReader } from './telemetry-reader.influx.ts';
import { createPgTelemetryReader } from './telemetry-reader.pg.ts';
import type { TelemetryReader } from './telemetry-reader.ts';

/** Reads where the ingest writes: InfluxDB when INFLUX_URL is set, else the embedded table. */
export function createTelemetryReader(influx: Config['influx'], db: Queryable): TelemetryReader {
  if (influx.url === undefined) return createPgTelemetryReader(db);
  return createInfluxTelemetryReader({ url: influx.url, database: influx.database, token: influx.token, retentionPolicy: influx.retentionPolicy });
}
