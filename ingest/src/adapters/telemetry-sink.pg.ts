import { numericValue } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import type { TelemetrySink } from './telemetry-sink.ts';

/** The embedded telemetry store: one row per reading; a redelivered reading hits the key and is dropped. */
export function createPgTelemetrySink(db: Db): TelemetrySink {
  return {
    async write(reading) {
      const value = numericValue(reading);
      if (value === undefined) return;
      await db.query('insert into telemetry (site_id, device_id, kind, ts, value) values ($1, $2, $3, to_timestamp($4 / 1000.0), $5) on conflict do nothing', [
        reading.siteId,
        reading.deviceId,
        reading.kind,
        reading.ts,
        value,
      ]);
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}
