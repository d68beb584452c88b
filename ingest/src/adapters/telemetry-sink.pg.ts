import { numericValue, type Reading } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import { createBatchWriter } from './batch-writer.ts';
import type { TelemetrySink } from './telemetry-sink.ts';

interface Row {
  readonly siteId: string;
  readonly deviceId: string;
  readonly kind: string;
  readonly ts: number;
  readonly value: number;
}

/**
 * The embedded telemetry store: one row per numeric reading, written in group-committed batches
 * (one INSERT … SELECT FROM unnest per batch). A redelivered reading hits the key and is dropped.
 */
export function createPgTelemetrySink(db: Db, log?: Logger, options: { onRetry?: () => void } = {}): TelemetrySink {
  const writer = createBatchWriter<Row>(
    async (rows) => {
      await db.query(
        `insert into telemetry (site_id, device_id, kind, ts, value)
         select s, d, k, to_timestamp(t / 1000.0), v from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[]) as u(s, d, k, t, v)
         on conflict do nothing`,
        [rows.map((r) => r.siteId), rows.map((r) => r.deviceId), rows.map((r) => r.kind), rows.map((r) => r.ts), rows.map((r) => r.value)],
      );
    },
    {
      maxBatch: 2000,
      onRetry: (error, attempt, items) => {
        options.onRetry?.();
        log?.error({ err: error, attempt, items }, 'telemetry write failed; retrying before the messages are acknowledged');
      },
    },
  );
  return {
    write(reading: Reading) {
      const value = numericValue(reading);
      if (value === undefined) return Promise.resolve();
      return writer.add({ siteId: reading.siteId, deviceId: reading.deviceId, kind: reading.kind, ts: reading.ts, value });
    },
    flush: () => writer.drain(),
    close: () => writer.drain(),
  };
}
