import { isMeterTotal, numericReadingKinds } from '@dutyroom/domain';
import type { Db, Queryable, Statement } from '@dutyroom/platform';
import type { ResumePoint, StoredReading } from '../detector-runner.ts';
import type { StateSnapshot } from '../detector-states.ts';
import { storableJson } from './text.ts';

/** Detector state snapshots in table `detector_states` (migration 002). */
export interface StateStore {
  load(siteId: string): Promise<StateSnapshot[]>;
  /** Upserts; `tx` writes them inside an anomaly transaction. */
  save(siteId: string, snapshots: readonly StateSnapshot[], tx?: Queryable): Promise<void>;
  /** The upsert of a few snapshots (an anomaly transaction's) as one statement of scalar parameters, for `Transaction.batch`. */
  saveStatement(siteId: string, snapshots: readonly StateSnapshot[]): Statement;
  /**
   * What the database knows of the time before a restart: until when the previous run listened
   * (its newest snapshot or stored reading) and each device's newest stored reading and register
   * total, from the embedded telemetry store (empty with InfluxDB: the snapshot alone then counts).
   */
  resumePoint(siteId: string, startedAt: number): Promise<ResumePoint>;
}

/**
 * How far before the previous run's last moment stored readings are read back. A snapshot lags
 * the readings by seconds, by minutes on a site of many thousands of meters under load
 * (docs/ingest.md §6); readings older than this are in the snapshot.
 */
const RESUME_LOOKBACK_MS = 15 * 60_000;

const UPSERT = `on conflict (site_id, detector_id, state_key) do update set
  version = excluded.version, device_id = excluded.device_id, state = excluded.state, wake_at = excluded.wake_at, updated_at = excluded.updated_at`;

const CHUNK = 2000;

export function createStateStore(db: Db): StateStore {
  return {
    async load(siteId) {
      const { rows } = await db.query<{
        detector_id: string;
        state_key: string;
        version: number;
        device_id: string;
        state: unknown;
        wake_at: string | number | null;
      }>('select detector_id, state_key, version, device_id, state, wake_at from detector_states where site_id = $1', [siteId]);
      return rows.map((r) => ({
        detectorId: r.detector_id,
        stateKey: r.state_key,
        version: r.version,
        deviceId: r.device_id,
        state: r.state,
        wakeAt: r.wake_at === null ? undefined : Number(r.wake_at),
      }));
    },
    async resumePoint(siteId, startedAt) {
      const snapshot = await db.query<{ at: number | string | null }>(
        'select (extract(epoch from max(updated_at)) * 1000)::float8 as at from detector_states where site_id = $1',
        [siteId],
      );
      let listeningUntil = Number(snapshot.rows[0]?.at ?? 0);
      // Per kind, so each is one backward scan of telemetry_by_site_kind_ts.
      for (const kind of numericReadingKinds) {
        const newest = await db.query<{ at: number | string | null }>(
          'select (extract(epoch from max(ts)) * 1000)::float8 as at from telemetry where site_id = $1 and kind = $2',
          [siteId, kind],
        );
        listeningUntil = Math.max(listeningUntil, Number(newest.rows[0]?.at ?? 0));
      }
      const devices = new Map<string, StoredReading>();
      if (listeningUntil > 0) {
        const { rows } = await db.query<{ device_id: string; kind: string; at: number | string; value: number }>(
          `select distinct on (device_id, kind) device_id, kind, (extract(epoch from ts) * 1000)::float8 as at, value
           from telemetry where site_id = $1 and kind = any($2::text[]) and ts >= to_timestamp($3 / 1000.0)
           order by device_id, kind, ts desc`,
          [siteId, numericReadingKinds, listeningUntil - RESUME_LOOKBACK_MS],
        );
        for (const r of rows) {
          const at = Number(r.at);
          const known = devices.get(r.device_id);
          const total = isMeterTotal(r.kind) ? { total: r.value, totalTs: at } : {};
          devices.set(r.device_id, { ...known, ...total, ts: Math.max(known?.ts ?? 0, at) });
        }
      }
      return { startedAt, listeningUntil: Math.min(listeningUntil, startedAt), devices };
    },
    async save(siteId, snapshots, tx = db) {
      for (let i = 0; i < snapshots.length; i += CHUNK) {
        const chunk = snapshots.slice(i, i + CHUNK);
        await tx.query(
          `insert into detector_states (site_id, detector_id, state_key, version, device_id, state, wake_at, updated_at)
           select $1, d, k, v, dev, s::jsonb, w::bigint, now()
           from unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::float8[]) as u(d, k, v, dev, s, w)
           ${UPSERT}`,
          [
            siteId,
            chunk.map((s) => s.detectorId),
            chunk.map((s) => s.stateKey),
            chunk.map((s) => s.version),
            chunk.map((s) => s.deviceId),
            chunk.map((s) => storableJson(s.state)),
            chunk.map((s) => s.wakeAt ?? null),
          ],
        );
      }
    },
    saveStatement(siteId, snapshots) {
      const params: Statement['params'][number][] = [siteId];
      const rows = snapshots.map((s) => {
        const at = params.length + 1;
        params.push(s.detectorId, s.stateKey, s.version, s.deviceId, storableJson(s.state), s.wakeAt ?? null);
        return `($1, $${at}, $${at + 1}, $${at + 2}::int, $${at + 3}, $${at + 4}::jsonb, $${at + 5}::float8::bigint, now())`;
      });
      return {
        sql: `insert into detector_states (site_id, detector_id, state_key, version, device_id, state, wake_at, updated_at)
         values ${rows.join(', ')} ${UPSERT}`,
        params,
      };
    },
  };
}
