import { type AnomalyDto, type DetectorEvent, type DeviceContext, decideAnomalyAction, dedupKey } from '@dutyroom/domain';
import { ANOMALY_COLUMNS, type AnomalyRow, type Db, type Statement, toAnomalyDto } from '@dutyroom/platform';
import type { StateSnapshot } from '../detector-states.ts';
import type { StateStore } from './state-store.pg.ts';
import { storableJson, storableText } from './text.ts';

export interface AnomalyChange {
  readonly change: 'opened' | 'updated' | 'cleared';
  readonly anomaly: AnomalyDto;
  /**
   * How the change came about, for metrics and logs: a flap merged, a child folded into its
   * gateway's outage, an incident formed, grown or cleared (`incident`), a member joining one…
   */
  readonly via: 'open' | 'repeat' | 'flap' | 'clear' | 'hold-expired' | 'storm-fold' | 'incident' | 'incident-member';
}

/** One reading's (or one tick's) detector findings, applied in one transaction. */
export interface AnomalyWork {
  readonly siteId: string;
  /** The reading's idempotency key; undefined for a tick. A key seen before makes the work a no-op. */
  readonly idempotencyKey: string | undefined;
  /** Timestamp of the reading that triggered the findings (the tick time for a timer). */
  readonly readingTs: number;
  readonly drill: boolean;
  readonly device: DeviceContext;
  readonly events: readonly DetectorEvent[];
  /** Detector states that produced the findings, saved in the same transaction. */
  readonly states: readonly StateSnapshot[];
}

export interface ApplyPolicy {
  holdDownMs(rule: string): number;
  /** The dedup key of the open gateway outage this raise folds into (storm control), if any. */
  foldInto(event: DetectorEvent, device: DeviceContext, drill: boolean): string | undefined;
}

export interface ApplyResult {
  readonly changes: AnomalyChange[];
  /** Deadlines of clears now being held down. */
  readonly clearsDueAt: number[];
  /** Raises folded into a gateway outage. */
  readonly folded: number;
  /** True when the idempotency key had been applied before (redelivery, replay). */
  readonly replay: boolean;
}

export interface AnomalyStore {
  apply(work: AnomalyWork, policy: ApplyPolicy): Promise<ApplyResult>;
  /** Clears whose hold-down ran out by `now`; returns the changes and the next deadline. */
  clearDue(siteId: string, now: number): Promise<{ changes: AnomalyChange[]; nextDueAt: number | undefined }>;
  openAnomalies(siteId: string): Promise<{ id: string; dedupKey: string; rule: string; deviceId: string | null; drill: boolean }[]>;
  nextClearDue(siteId: string): Promise<number | undefined>;
}

/** Drill anomalies never merge with real ones: a real fire in a zone under drill must open its own. */
export const anomalyKey = (siteId: string, rule: string, subject: string, drill: boolean) => `${dedupKey(siteId, rule, subject)}${drill ? '#drill' : ''}`;

type Row = AnomalyRow & { clear_due_at_ms: number | null };

const ts = (param: number) => `to_timestamp($${param} / 1000.0)`;

/** Facts of an open anomaly that decide what a finding does to it (hold-down.ts). */
interface OpenFacts {
  clearDueAt: number | null;
}

/** Keys remembered at most (a site's open anomalies and recent findings; beyond, it starts again). */
const MAX_KNOWN = 100_000;
/** Separators of the expected-state text: control characters no dedup key contains. */
const FIELD = '\u001f';
const RECORD = '\u001e';

/** The abort of a one-round-trip transaction whose expectation failed, or of a racing insert. */
const isExpectationFailure = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (code === 'P0001' && message?.startsWith('dutyroom: expectation failed') === true) || code === '23505';
};

/** A statement and what to do with its rows once the batch has run. */
interface Pending {
  readonly statement: Statement;
  readonly onRows?: (rows: Row[]) => void;
}

export function createAnomalyStore(db: Db, states: StateStore): AnomalyStore {
  const raise = (work: AnomalyWork, event: Extract<DetectorEvent, { type: 'raise' }>, key: string, flap: boolean): Statement => ({
    sql: `update anomalies set
         last_seen_at = greatest(last_seen_at, ${ts(2)}), reading_ts = ${ts(2)}, severity = $3,
         evidence = $4::jsonb ${flap ? `|| jsonb_build_object('flaps', flaps + 1)` : ''},
         count = count + 1, version = version + 1
         ${flap ? ', flaps = flaps + 1, clear_due_at = null, clear_requested_at = null, clear_closes_work_order = null' : ''}
       where dedup_key = $1 and status = 'open' returning ${ANOMALY_COLUMNS}`,
    params: [key, work.readingTs, event.severity, storableJson(event.evidence)],
  });

  /**
   * What this store last committed or read under lock about a key: its open anomaly's facts, or
   * null for none open. Only a hint: the one-round-trip path checks it inside its transaction.
   */
  const known = new Map<string, OpenFacts | null>();
  const remember = (keys: readonly string[], open: ReadonlyMap<string, OpenFacts>) => {
    if (known.size > MAX_KNOWN) known.clear();
    for (const key of keys) known.set(key, open.get(key) ?? null);
  };

  /**
   * The statements for a reading's findings, each decided on the anomaly as the findings before it
   * left it (`open` is updated as it goes). `fold` answers whether a raise folded into an open
   * gateway outage; it needs the database, so only the locking path can give it.
   */
  const plan = async (
    work: AnomalyWork,
    policy: ApplyPolicy,
    keys: readonly string[],
    open: Map<string, OpenFacts>,
    fold: (outageKey: string, event: DetectorEvent) => Promise<Row | undefined>,
  ) => {
    const pending: Pending[] = [];
    const changes: AnomalyChange[] = [];
    const clearsDueAt: number[] = [];
    let folded = 0;
    for (const [i, event] of work.events.entries()) {
      const key = keys[i] as string;
      const current = open.get(key);

      const outageKey = current === undefined ? policy.foldInto(event, work.device, work.drill) : undefined;
      if (outageKey !== undefined) {
        const row = await fold(outageKey, event);
        if (row !== undefined) {
          folded++;
          changes.push({ change: 'updated', anomaly: toAnomalyDto(row), via: 'storm-fold' });
          continue;
        }
        // The outage cleared meanwhile: the child's raise stands on its own.
      }

      const action = decideAnomalyAction(current, event, work.readingTs, policy.holdDownMs(event.rule));
      switch (action.kind) {
        case 'open': {
          if (event.type !== 'raise') break;
          // Two workers racing on one key: the partial unique index rejects the second insert,
          // its transaction retries, and finds the anomaly open.
          pending.push({
            statement: {
              sql: `insert into anomalies (site_id, rule, subject, dedup_key, status, severity, unit_id, device_id,
               opened_at, last_seen_at, reading_ts, evidence, drill)
             values ($1, $2, $3, $4, 'open', $5, $6, $7, ${ts(8)}, ${ts(8)}, ${ts(8)}, $9::jsonb, $10)
             returning ${ANOMALY_COLUMNS}`,
              params: [
                work.siteId,
                event.rule,
                storableText(event.subject, 500),
                storableText(key, 1000),
                event.severity,
                work.device.unit?.id ?? null,
                work.device.device.id,
                work.readingTs,
                storableJson(event.evidence),
                work.drill,
              ],
            },
            onRows: (rows) => {
              if (rows[0]) changes.push({ change: 'opened', anomaly: toAnomalyDto(rows[0]), via: 'open' });
            },
          });
          open.set(key, { clearDueAt: null });
          break;
        }
        case 'repeat':
        case 'flap': {
          if (event.type !== 'raise') break;
          const via = action.kind;
          pending.push({
            statement: raise(work, event, key, via === 'flap'),
            onRows: (rows) => {
              if (rows[0]) changes.push({ change: 'updated', anomaly: toAnomalyDto(rows[0]), via });
            },
          });
          open.set(key, { clearDueAt: null });
          break;
        }
        case 'hold-clear':
          pending.push({
            statement: {
              sql: `update anomalies set clear_due_at = ${ts(2)}, clear_requested_at = ${ts(3)}, clear_closes_work_order = $4
             where dedup_key = $1 and status = 'open'`,
              params: [key, action.dueAt, work.readingTs, action.closesWorkOrder],
            },
          });
          clearsDueAt.push(action.dueAt);
          open.set(key, { clearDueAt: action.dueAt });
          break;
        case 'clear': {
          pending.push({
            statement: {
              sql: `update anomalies set status = 'cleared', cleared_at = ${ts(2)}, reading_ts = ${ts(2)}, clear_closes_work_order = $3,
               clear_due_at = null, version = version + 1
             where dedup_key = $1 and status = 'open' returning ${ANOMALY_COLUMNS}`,
              params: [key, work.readingTs, action.closesWorkOrder],
            },
            onRows: (rows) => {
              if (rows[0]) changes.push({ change: 'cleared', anomaly: toAnomalyDto(rows[0]), via: 'clear' });
            },
          });
          open.delete(key);
          break;
        }
        case 'ignore':
          break;
      }
    }
    if (work.states.length > 0) pending.push({ statement: states.saveStatement(work.siteId, work.states) });
    return { pending, changes, clearsDueAt, folded };
  };

  const processedKey = (work: AnomalyWork): Statement => ({
    // A key seen within the last hour is a replay; older, it is a new observation of the same
    // content (ecosystems without message ids key by content hash: docs/protocol.md §2).
    sql: `insert into processed_events (key, at) values ($1, now()) on conflict (key) do update set at = excluded.at
     where processed_events.at < now() - interval '1 hour' returning key`,
    // Namespaced by site: two sites on one database may name devices alike.
    params: [storableText(`${work.siteId}|${work.idempotencyKey}`, 1000)],
  });

  /**
   * One round trip: what this store knows of the keys is checked (and the rows locked) inside the
   * transaction, which aborts when it is not true any more or the reading is a replay; undefined
   * when the findings need the database to be decided (a storm fold).
   */
  const applyKnown = async (work: AnomalyWork, policy: ApplyPolicy, keys: readonly string[], distinct: readonly string[]) => {
    const open = new Map<string, OpenFacts>();
    for (const key of distinct) {
      const facts = known.get(key);
      if (facts) open.set(key, facts);
    }
    const expected = [...open.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, facts]) => `${key}${FIELD}${facts.clearDueAt === null ? '-' : Math.round(facts.clearDueAt)}`)
      .join(RECORD);
    let needsDatabase = false;
    const planned = await plan(work, policy, keys, open, async () => {
      needsDatabase = true;
      return undefined;
    });
    if (needsDatabase) return undefined;
    const guards: Statement[] = [];
    if (work.idempotencyKey !== undefined) {
      const insert = processedKey(work);
      guards.push({ sql: `with k as (${insert.sql}) select dutyroom_expect(count(*) = 1, 'not a replay') from k`, params: insert.params });
    }
    if (distinct.length > 0) {
      guards.push({
        sql: `select dutyroom_expect(coalesce((
           select string_agg(dedup_key || chr(31) || coalesce(((extract(epoch from clear_due_at) * 1000)::float8)::bigint::text, '-'), chr(30) order by dedup_key)
           from (select dedup_key, clear_due_at from anomalies where dedup_key in (${distinct.map((_, i) => `$${i + 2}`).join(', ')}) and status = 'open'
                 order by dedup_key for update) locked), '') = $1, 'open anomalies as last seen')`,
        params: [expected, ...distinct],
      });
    }
    await db.transaction(async (tx) => {
      const rows = await tx.batch<Row>([...guards, ...planned.pending.map((p) => p.statement)], { commit: true });
      for (const [i, p] of planned.pending.entries()) p.onRows?.(rows[guards.length + i]?.rows ?? []);
    });
    remember(distinct, open);
    return { changes: planned.changes, clearsDueAt: planned.clearsDueAt, folded: 0, replay: false };
  };

  /**
   * Two round trips (docs/performance.md): the idempotency key and the open anomalies of every
   * finding, locked, in the first; the writes, the detector states and the commit in the second.
   */
  const applyLocked = (work: AnomalyWork, policy: ApplyPolicy, keys: readonly string[], distinct: readonly string[]) =>
    db
      .transaction(async (tx) => {
        const first: Statement[] = [];
        if (work.idempotencyKey !== undefined) first.push(processedKey(work));
        if (distinct.length > 0) {
          // In key order, so two workers locking the same anomalies never deadlock.
          first.push({
            sql: `select dedup_key, (extract(epoch from clear_due_at) * 1000)::float8 as clear_due_at_ms
           from anomalies where dedup_key in (${distinct.map((_, i) => `$${i + 1}`).join(', ')}) and status = 'open'
           order by dedup_key for update`,
            params: distinct,
          });
        }
        const results = await tx.batch<{ key?: string; dedup_key?: string; clear_due_at_ms?: number | null }>(first);
        const open = new Map<string, OpenFacts>();
        for (const r of results.at(-1)?.rows ?? []) if (r.dedup_key !== undefined) open.set(r.dedup_key, { clearDueAt: r.clear_due_at_ms ?? null });
        if (work.idempotencyKey !== undefined && results[0]?.rows.length === 0) {
          remember(distinct, open);
          return { changes: [], clearsDueAt: [], folded: 0, replay: true };
        }
        const planned = await plan(work, policy, keys, open, async (outageKey, event) => {
          // Whether the outage is still open decides the rest: this one waits for its answer.
          const [result] = await tx.batch<Row>([
            {
              sql: `update anomalies set
             count = count + 1, version = version + 1,
             last_seen_at = greatest(last_seen_at, ${ts(2)}), reading_ts = ${ts(2)},
             evidence = evidence || jsonb_build_object('childrenOffline', coalesce((evidence->>'childrenOffline')::int, 0) + 1, 'lastChild', $3::text)
           where dedup_key = $1 and status = 'open' returning ${ANOMALY_COLUMNS}`,
              params: [outageKey, work.readingTs, storableText(event.subject, 200)],
            },
          ]);
          return result?.rows[0];
        });
        const rows = await tx.batch<Row>(
          planned.pending.map((p) => p.statement),
          { commit: true },
        );
        for (const [i, p] of planned.pending.entries()) p.onRows?.(rows[i]?.rows ?? []);
        return { changes: planned.changes, clearsDueAt: planned.clearsDueAt, folded: planned.folded, replay: false, open };
      })
      .then(({ open, ...result }) => {
        if (open !== undefined) remember(distinct, open);
        return result;
      });

  return {
    // One round trip when this store knows the anomalies the findings touch (it wrote or read them
    // last), checked inside the transaction; otherwise, or when that check fails, two with locks.
    async apply(work, policy) {
      const keys = work.events.map((event) => anomalyKey(work.siteId, event.rule, event.subject, work.drill));
      const distinct = [...new Set(keys)];
      if (distinct.every((key) => known.has(key))) {
        try {
          const result = await applyKnown(work, policy, keys, distinct);
          if (result !== undefined) return result;
        } catch (error) {
          // Another writer changed them, or the reading is a replay: the locking path finds out which.
          if (!isExpectationFailure(error)) throw error;
          for (const key of distinct) known.delete(key);
        }
      }
      return applyLocked(work, policy, keys, distinct);
    },

    clearDue: (siteId, now) =>
      db.transaction(async (tx) => {
        const { rows } = await tx.query<Row & { dedup_key: string }>(
          `update anomalies set status = 'cleared', cleared_at = coalesce(clear_requested_at, clear_due_at),
             reading_ts = coalesce(clear_requested_at, clear_due_at), clear_due_at = null, version = version + 1
           where site_id = $1 and status = 'open' and clear_due_at <= ${ts(2)}
           returning ${ANOMALY_COLUMNS}, dedup_key`,
          [siteId, now],
        );
        const next = await tx.query<{ at: number | null }>(
          `select (extract(epoch from min(clear_due_at)) * 1000)::float8 as at from anomalies where site_id = $1 and status = 'open' and clear_due_at is not null`,
          [siteId],
        );
        for (const r of rows) known.set(r.dedup_key, null);
        return {
          changes: rows.map((r) => ({ change: 'cleared' as const, anomaly: toAnomalyDto(r), via: 'hold-expired' as const })),
          nextDueAt: next.rows[0]?.at ?? undefined,
        };
      }),

    async openAnomalies(siteId) {
      const { rows } = await db.query<{ id: string; dedup_key: string; rule: string; device_id: string | null; drill: boolean }>(
        `select id::text as id, dedup_key, rule, device_id, drill from anomalies where site_id = $1 and status = 'open'`,
        [siteId],
      );
      return rows.map((r) => ({ id: r.id, dedupKey: r.dedup_key, rule: r.rule, deviceId: r.device_id, drill: r.drill }));
    },

    async nextClearDue(siteId) {
      const { rows } = await db.query<{ at: number | null }>(
        `select (extract(epoch from min(clear_due_at)) * 1000)::float8 as at from anomalies where site_id = $1 and status = 'open' and clear_due_at is not null`,
        [siteId],
      );
      return rows[0]?.at ?? undefined;
    },
  };
}
