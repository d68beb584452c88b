import { type DispatchSettings, dispatchTable, INCIDENT_RULE, LIFE_SAFETY_RULES } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

/**
 * The dispatch decision's durable side (issue 14): which open anomalies are due now, read from the
 * rows themselves (opened_at, evidence.firstAt, incident_id, split_at) and the policy table, so a
 * hold survives a restart and no timer is the only record of it. `decideDispatch` (domain) is the
 * same decision for one anomaly; the integration tests hold both to it.
 */

const OPENED_MS = '(extract(epoch from a.opened_at) * 1000)::float8';
/** The rule whose policy applies: an incident's member rule, else the anomaly's own. */
const POLICY_RULE = `case when a.rule = '${INCIDENT_RULE}' and jsonb_typeof(a.evidence->'memberRule') = 'string' then a.evidence->>'memberRule' else a.rule end`;
/** An incident's hold counts from its first member (never before the incident exists: it is a row). */
const HOLD_FROM = `case when a.rule = '${INCIDENT_RULE}' and jsonb_typeof(a.evidence->'firstAt') = 'number'
  then least((a.evidence->>'firstAt')::float8, ${OPENED_MS}) else ${OPENED_MS} end`;

/**
 * The where-clause over `anomalies a` (parameters from `$first`) that keeps the open anomalies
 * whose dispatch is due at `now`: split members at once; members of an incident (not life safety)
 * never; the incident of a life-safety rule never (display); the rest by policy (-1 = never),
 * drills without their hold.
 */
function dueClause(first: number): string {
  const [rules, holds, severities, severityHolds, now, lifeSafety] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
  const hold = `coalesce((select h from unnest(${rules}::text[], ${holds}::float8[]) as p(r, h) where p.r = ${POLICY_RULE}),
    (select h from unnest(${severities}::text[], ${severityHolds}::float8[]) as s(v, h) where s.v = a.severity))`;
  return `a.status = 'open' and (
    (a.incident_id is not null and a.split_at is not null)
    or (
      (a.incident_id is null or a.rule = any(${lifeSafety}::text[]))
      and not (a.rule = '${INCIDENT_RULE}' and ${POLICY_RULE} = any(${lifeSafety}::text[]))
      and ${hold} >= 0
      and (a.drill or ${HOLD_FROM} + ${hold} <= ${now}::float8)
    ))`;
}

function dueParams(settings: DispatchSettings, now: number): unknown[] {
  const t = dispatchTable(settings);
  return [t.rules, t.holdMs, t.severities, t.severityHoldMs, now, LIFE_SAFETY_RULES];
}

export const dispatchRepository = {
  /** When an operator split the anomaly out of its incident, or null. */
  async splitAt(db: Queryable, anomalyId: string): Promise<number | null> {
    const { rows } = await db.query<{ split_at: number | null }>(
      'select (extract(epoch from split_at) * 1000)::float8 as split_at from anomalies where id = $1',
      [anomalyId],
    );
    return rows[0]?.split_at ?? null;
  },

  /** Open anomalies of the site due for their work order now that have none (the follower's sweep). */
  async dueWithoutOrder(db: Queryable, siteId: string, settings: DispatchSettings, now: number, limit: number): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `select a.id::text as id from anomalies a where a.site_id = $1 and ${dueClause(3)}
         and not exists (select 1 from work_orders w where w.anomaly_id = a.id) order by a.id limit $2`,
      [siteId, limit, ...dueParams(settings, now)],
    );
    return rows.map((r) => r.id);
  },

  /** Open anomalies of the site opened after `since`, due now, that have no push (the notifier's sweep). */
  async dueWithoutPush(db: Queryable, siteId: string, settings: DispatchSettings, now: number, since: number, limit: number): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `select a.id::text as id from anomalies a where a.site_id = $1 and a.opened_at > to_timestamp($2 / 1000.0) and ${dueClause(4)}
         and not exists (select 1 from pushes p where p.anomaly_id = a.id) order by a.id limit $3`,
      [siteId, since, limit, ...dueParams(settings, now)],
    );
    return rows.map((r) => r.id);
  },

  /**
   * Open orders of an incident's members that the incident's order takes over: members that are
   * not life safety and not split out, orders nobody has reached yet (someone on site keeps theirs).
   */
  async memberOrdersToMerge(db: Queryable, incidentId: string): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `select w.id::text as id from work_orders w join anomalies a on a.id = w.anomaly_id
       where a.incident_id = $1 and a.split_at is null and not (a.rule = any($2::text[]))
         and w.merged_into is null and w.status in ('created', 'dispatched', 'accepted')
       order by w.id`,
      [incidentId, LIFE_SAFETY_RULES],
    );
    return rows.map((r) => r.id);
  },
};
