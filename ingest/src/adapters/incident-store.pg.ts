import {
  type AnomalyDto,
  INCIDENT_RULE,
  type IncidentCause,
  type IncidentDecision,
  type IncidentScope,
  incidentDedupKey,
  incidentSubject,
  type OpenIncident,
  parseScope,
  scopeText,
} from '@dutyroom/domain';
import { ANOMALY_COLUMNS, type AnomalyRow, type Db, type Transaction, toAnomalyDto } from '@dutyroom/platform';
import type { AnomalyChange } from './anomaly-store.pg.ts';
import { storableText } from './text.ts';

/** An open anomaly of the rule being grouped, as stored. */
export interface StoredMember {
  readonly id: string;
  readonly deviceId: string | null;
  readonly openedAt: number;
}

/** The open anomaly that asks to be grouped (it is committed: it opened in an earlier transaction). */
export interface CorrelateRequest {
  readonly siteId: string;
  readonly rule: string;
  readonly drill: boolean;
  readonly memberId: string;
  readonly openedAt: number;
  readonly readingTs: number;
  readonly severity: AnomalyDto['severity'];
  readonly windowMs: number;
}

export interface IncidentStore {
  /**
   * Groups an open anomaly: reads the open incidents of its rule and the opens of the rule within
   * the window that belong to none, lets `decide` choose, and forms, joins or widens. Serialized
   * per (site, rule, drill) across workers by an advisory lock, so two workers never make two
   * incidents of one event. Returns the changes: the incident first, then its new members.
   */
  correlate(
    request: CorrelateRequest,
    decide: (unassigned: readonly StoredMember[], incidents: readonly OpenIncident[]) => IncidentDecision,
  ): Promise<AnomalyChange[]>;
  /** Recounts incidents whose members changed (cleared); clears each one with no open member left. */
  refresh(siteId: string, incidents: readonly { id: string; memberRule: string; drill: boolean }[]): Promise<AnomalyChange[]>;
}

/** Namespace of the advisory locks (as the ingest leases use 0x44525953 'DRYS'). */
const LOCK_SPACE = 0x44525949; // 'DRYI'

const ts = (param: number) => `to_timestamp($${param} / 1000.0)`;

type IncidentRow = AnomalyRow & { last_at: number | null };

/** One writer of one rule's incidents at a time, on every worker: until the transaction ends. */
const lockRule = (tx: Transaction, siteId: string, rule: string, drill: boolean) =>
  tx.query(`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext($1))`, [`${siteId}:${rule}:${drill ? 'drill' : 'real'}`]);

/**
 * The incident's count and timeline, recounted from its members (never incremented: another worker
 * may have added members since this one last looked). `open` leaves out members split off by an
 * operator: they stand alone and do not keep the incident open.
 */
interface Widening {
  readonly scope?: IncidentScope;
  readonly subject?: string;
  readonly dedupKey?: string;
  readonly cause?: IncidentCause;
}

const recount = (tx: Transaction, incidentId: string, readingTs: number | null, extra: Widening = {}) =>
  tx.query<AnomalyRow>(
    `update anomalies i set
       count = greatest(s.members, 1), version = i.version + 1,
       last_seen_at = greatest(i.last_seen_at, coalesce(s.last_ts, i.last_seen_at)),
       reading_ts = coalesce(${ts(2)}, i.reading_ts),
       subject = coalesce($3, i.subject), dedup_key = coalesce($4, i.dedup_key),
       evidence = i.evidence || jsonb_build_object('members', s.members, 'open', s.open, 'firstAt', coalesce(s.first_at, (i.evidence->>'firstAt')::float8),
         'lastAt', coalesce(s.last_at, (i.evidence->>'lastAt')::float8))
         || coalesce(jsonb_strip_nulls(jsonb_build_object('scope', $5::text, 'cause', $6::text)), '{}'::jsonb)
     from (select count(*)::int as members,
             (count(*) filter (where status = 'open' and split_at is null))::int as open,
             (extract(epoch from min(opened_at)) * 1000)::float8 as first_at,
             (extract(epoch from max(opened_at)) * 1000)::float8 as last_at,
             max(opened_at) as last_ts
           from anomalies where incident_id = $1) s
     where i.id = $1 returning ${ANOMALY_COLUMNS}`,
    [incidentId, readingTs, extra.subject ?? null, extra.dedupKey ?? null, extra.scope ? scopeText(extra.scope) : null, extra.cause ?? null],
  );

export function createIncidentStore(db: Db): IncidentStore {
  const openIncidents = async (tx: Transaction, siteId: string, rule: string, drill: boolean): Promise<OpenIncident[]> => {
    const { rows } = await tx.query<IncidentRow>(
      `select ${ANOMALY_COLUMNS}, (evidence->>'lastAt')::float8 as last_at from anomalies
       where site_id = $1 and rule = '${INCIDENT_RULE}' and status = 'open' and drill = $2 and evidence->>'memberRule' = $3`,
      [siteId, drill, rule],
    );
    return rows.flatMap((r) => {
      const scope = parseScope(String(r.evidence['scope'] ?? ''));
      if (scope === undefined) return [];
      const cause = String(r.evidence['cause'] ?? 'mass') as IncidentCause;
      return [{ id: r.id, scope, cause, members: Number(r.evidence['members'] ?? r.count), lastAt: r.last_at ?? r.last_seen_at }];
    });
  };

  const attach = async (tx: Transaction, incidentId: string, memberIds: readonly string[]): Promise<AnomalyChange[]> => {
    if (memberIds.length === 0) return [];
    const { rows } = await tx.query<AnomalyRow>(
      `update anomalies set incident_id = $1, version = version + 1
       where id = any($2::bigint[]) and incident_id is null and split_at is null and status = 'open' and id <> $1
       returning ${ANOMALY_COLUMNS}`,
      [incidentId, memberIds],
    );
    return rows.map((r) => ({ change: 'updated', anomaly: toAnomalyDto(r), via: 'incident-member' }));
  };

  return {
    correlate: (request, decide) =>
      db.transaction(async (tx) => {
        const { siteId, rule, drill } = request;
        await lockRule(tx, siteId, rule, drill);
        const [unassigned, incidents] = await Promise.all([
          // Served by anomalies_recent_open (site_id, rule, opened_at) where status = 'open'.
          tx.query<{ id: string; device_id: string | null; opened_at: number }>(
            `select id::text as id, device_id, (extract(epoch from opened_at) * 1000)::float8 as opened_at from anomalies
             where site_id = $1 and rule = $2 and status = 'open' and drill = $3 and incident_id is null and split_at is null
               and opened_at between ${ts(4)} and ${ts(5)}`,
            [siteId, rule, drill, request.openedAt - request.windowMs, request.openedAt + request.windowMs],
          ),
          openIncidents(tx, siteId, rule, drill),
        ]);
        // Grouped meanwhile (by another worker), or already cleared: nothing to do.
        if (!unassigned.rows.some((r) => r.id === request.memberId)) return [];
        const decision = decide(
          unassigned.rows.map((r) => ({ id: r.id, deviceId: r.device_id, openedAt: r.opened_at })),
          incidents,
        );
        if (decision.kind === 'alone') return [];

        let incidentId: string;
        let opened = false;
        if (decision.kind === 'form') {
          const first = Math.min(...decision.members.map((m) => m.openedAt));
          const last = Math.max(...decision.members.map((m) => m.openedAt));
          const evidence = { memberRule: rule, scope: scopeText(decision.scope), cause: decision.cause, members: 0, firstAt: first, lastAt: last, open: 0 };
          const inserted = await tx.query<{ id: string }>(
            `insert into anomalies (site_id, rule, subject, dedup_key, status, severity, unit_id, device_id, opened_at, last_seen_at, reading_ts, evidence, drill, count, version)
             values ($1, '${INCIDENT_RULE}', $2, $3, 'open', $4, null, null, ${ts(5)}, ${ts(6)}, ${ts(7)}, $8::jsonb, $9, 0, 0)
             on conflict (dedup_key) where status = 'open' do nothing returning id::text as id`,
            [
              siteId,
              storableText(incidentSubject(rule, decision.scope), 500),
              storableText(incidentDedupKey(siteId, rule, decision.scope, drill), 1000),
              request.severity,
              first,
              last,
              request.readingTs,
              JSON.stringify(evidence),
              drill,
            ],
          );
          const id = inserted.rows[0]?.id;
          if (id === undefined) {
            // Only if a writer outside the lock made it: join that one.
            const existing = await tx.query<{ id: string }>(`select id::text as id from anomalies where dedup_key = $1 and status = 'open'`, [
              incidentDedupKey(siteId, rule, decision.scope, drill),
            ]);
            const found = existing.rows[0]?.id;
            if (found === undefined) return [];
            incidentId = found;
          } else {
            incidentId = id;
            opened = true;
          }
        } else incidentId = decision.incidentId;

        const members = await attach(
          tx,
          incidentId,
          decision.members.map((m) => m.id),
        );
        const widenTo = decision.kind === 'join' ? decision.widenTo : undefined;
        const { rows } = await recount(tx, incidentId, request.readingTs, {
          ...(widenTo ? { scope: widenTo, subject: incidentSubject(rule, widenTo), dedupKey: incidentDedupKey(siteId, rule, widenTo, drill) } : {}),
          ...(decision.kind === 'join' && widenTo ? { cause: decision.cause } : {}),
        });
        const incident = rows[0];
        if (incident === undefined) return members;
        return [{ change: opened ? 'opened' : 'updated', anomaly: toAnomalyDto(incident), via: 'incident' }, ...members];
      }),

    async refresh(siteId, incidents) {
      const changes: AnomalyChange[] = [];
      for (const { id, memberRule, drill } of incidents) {
        const change = await db.transaction(async (tx): Promise<AnomalyChange | undefined> => {
          await lockRule(tx, siteId, memberRule, drill);
          const { rows } = await recount(tx, id, null);
          const row = rows[0];
          if (row === undefined || row.status !== 'open') return undefined;
          if (Number(row.evidence['open'] ?? 1) > 0) return { change: 'updated', anomaly: toAnomalyDto(row), via: 'incident' };
          // Every member has cleared: the incident clears when the last did, and closes its work
          // order by itself only if every member's clear would have closed its own.
          const cleared = await tx.query<AnomalyRow>(
            `update anomalies i set status = 'cleared', version = i.version + 1,
               cleared_at = coalesce(s.cleared_at, now()), reading_ts = coalesce(s.cleared_at, now()), clear_closes_work_order = coalesce(s.closes, false)
             from (select max(cleared_at) as cleared_at, bool_and(coalesce(clear_closes_work_order, false)) as closes
                   from anomalies where incident_id = $1 and split_at is null) s
             where i.id = $1 and i.status = 'open' returning ${ANOMALY_COLUMNS}`,
            [id],
          );
          const done = cleared.rows[0];
          return done && { change: 'cleared', anomaly: toAnomalyDto(done), via: 'incident' };
        });
        if (change) changes.push(change);
      }
      return changes;
    },
  };
}
