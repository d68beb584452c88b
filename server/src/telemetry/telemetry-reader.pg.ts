import type { Queryable } from '@dutyroom/platform';
import type { BucketLast, RecentReading, TelemetryReader } from './telemetry-reader.ts';

/** Reads the embedded `telemetry` table (PGlite or PostgreSQL), written by the ingest when no InfluxDB is configured. */
export function createPgTelemetryReader(db: Queryable): TelemetryReader {
  return {
    kind: 'embedded',
    async bucketLasts(q) {
      const params: unknown[] = [q.siteId, q.kind, q.from, q.to, q.sizeMs, q.shiftMs];
      let deviceFilter = '';
      if (q.deviceIds !== undefined) {
        if (q.deviceIds.length === 0) return [];
        params.push(q.deviceIds);
        deviceFilter = 'and device_id = any($7::text[])';
      }
      // The last total of each device in each bucket (Postgres has no last(): the newest of an ordered array).
      const { rows } = await db.query<BucketLast>(
        `select device_id as "deviceId", b * $5::float8 + $6::float8 as t, (array_agg(value order by ts desc))[1] as value
         from (select device_id, value, ts, floor((extract(epoch from ts) * 1000 - $6::float8) / $5::float8) as b
               from telemetry
               where site_id = $1 and kind = $2 and ts >= to_timestamp($3::float8 / 1000) and ts < to_timestamp($4::float8 / 1000) ${deviceFilter}) x
         group by device_id, b`,
        params,
      );
      return rows.map((r) => ({ deviceId: r.deviceId, t: Number(r.t), value: Number(r.value) }));
    },
    async recent(siteId, deviceIds, limit) {
      if (deviceIds.length === 0) return [];
      const { rows } = await db.query<RecentReading>(
        `select device_id as "deviceId", kind, (extract(epoch from ts) * 1000)::float8 as ts, value
         from telemetry where site_id = $1 and device_id = any($2::text[]) order by ts desc limit $3`,
        [siteId, deviceIds, limit],
      );
      return rows.map((r) => ({ ...r, ts: Number(r.ts), value: Number(r.value) }));
    },
  };
}
