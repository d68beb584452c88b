import { z } from 'zod';
import type { BucketLast, RecentReading, TelemetryReader } from './telemetry-reader.ts';

export interface InfluxReadSettings {
  readonly url: string;
  readonly database: string;
  readonly token?: string | undefined;
  readonly retentionPolicy?: string | undefined;
}

const influxResponseSchema = z.object({
  results: z.array(
    z.object({
      error: z.string().optional(),
      series: z
        .array(
          z.object({
            name: z.string(),
            tags: z.record(z.string(), z.string()).optional(),
            columns: z.array(z.string()),
            values: z.array(z.array(z.unknown())),
          }),
        )
        .optional(),
    }),
  ),
  error: z.string().optional(),
});

/** InfluxQL string literal: backslash and quote escaped. */
const literal = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const measurementOf = (kind: string) => kind.split('.')[0] ?? kind;

/**
 * Reads InfluxDB through the InfluxQL `/query` endpoint, which 1.x serves and 2.x keeps for
 * compatibility (with `Authorization: Token` and the database mapped to a bucket); the writer
 * uses `/write` for the same reason (docs/telemetry.md). Series: measurement `water` /
 * `electricity`, field `total`, tags `site` and `device`.
 */
export function createInfluxTelemetryReader(settings: InfluxReadSettings): TelemetryReader {
  const from = settings.retentionPolicy ? (m: string) => `"${settings.retentionPolicy}"."${m}"` : (m: string) => `"${m}"`;
  const query = async (q: string) => {
    const params = new URLSearchParams({ db: settings.database, q, epoch: 'ms' });
    const headers: Record<string, string> = {};
    if (settings.token) headers['authorization'] = `Token ${settings.token}`;
    const response = await fetch(`${settings.url}/query?${params}`, { headers, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`InfluxDB query failed: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    const parsed = influxResponseSchema.parse(await response.json());
    const error = parsed.error ?? parsed.results.find((r) => r.error !== undefined)?.error;
    if (error !== undefined) throw new Error(`InfluxDB query failed: ${error}`);
    return parsed.results.flatMap((r) => r.series ?? []);
  };
  const deviceClause = (ids: readonly string[] | undefined) => (ids === undefined ? '' : ` AND (${ids.map((id) => `"device" = ${literal(id)}`).join(' OR ')})`);

  return {
    kind: 'influx',
    async bucketLasts(q) {
      if (q.deviceIds !== undefined && q.deviceIds.length === 0) return [];
      const series = await query(
        `SELECT last("total") FROM ${from(measurementOf(q.kind))} WHERE "site" = ${literal(q.siteId)}${deviceClause(q.deviceIds)}` +
          ` AND time >= ${q.from}ms AND time < ${q.to}ms GROUP BY time(${q.sizeMs}ms, ${q.shiftMs}ms), "device" fill(none)`,
      );
      const lasts: BucketLast[] = [];
      for (const s of series) {
        const deviceId = s.tags?.['device'];
        if (deviceId === undefined) continue;
        for (const [t, value] of s.values) if (typeof t === 'number' && typeof value === 'number') lasts.push({ deviceId, t, value });
      }
      return lasts;
    },
    async recent(siteId, deviceIds, limit) {
      if (deviceIds.length === 0) return [];
      const series = await query(
        `SELECT "total", "device" FROM ${from('water')}, ${from('electricity')} WHERE "site" = ${literal(siteId)}${deviceClause(deviceIds)} ORDER BY time DESC LIMIT ${limit}`,
      );
      const readings: RecentReading[] = series.flatMap((s) =>
        s.values.flatMap(([ts, value, device]) =>
          typeof ts === 'number' && typeof value === 'number' && typeof device === 'string' ? [{ deviceId: device, kind: `${s.name}.total`, ts, value }] : [],
        ),
      );
      return readings.sort((a, b) => b.ts - a.ts).slice(0, limit);
    },
  };
}
