import type { Db, Queryable, Statement } from '@dutyroom/platform';
import type { StateSnapshot } from '../detector-states.ts';
import { storableJson } from './text.ts';

/** Detector state snapshots in table `detector_states` (migration 002). */
export interface StateStore {
  load(siteId: string): Promise<StateSnapshot[]>;
  /** Upserts; `tx` writes them inside an anomaly transaction. */
  save(siteId: string, snapshots: readonly StateSnapshot[], tx?: Queryable): Promise<void>;
  /** The upsert of a few snapshots (an anomaly transaction's) as one statement of scalar parameters, for `Transaction.batch`. */
  saveStatement(siteId: string, snapshots: readonly StateSnapshot[]): Statement;
}

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
