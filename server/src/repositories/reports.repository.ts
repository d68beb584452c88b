import type { ClockStep } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

export type Grouping = 'site' | 'department' | 'person';

const keyOf = (g: Grouping, alias: string) =>
  g === 'site' ? `${alias}.site_id` : g === 'department' ? `coalesce(${alias}.department, '-')` : `coalesce(${alias}.assignee_id, '-')`;
const range = (column: string) => `${column} >= to_timestamp($2 / 1000.0) and ${column} < to_timestamp($3 / 1000.0)`;

/**
 * Issue 23: a visit done before its window (domain isEarlyVisit): a routine repair before local
 * midnight of its scheduled day ($4 = the site's time zone), a leak before the heavy rain.
 */
const EARLY = `(v.status = 'done' and ((v.rule = 'after-heavy-rain' and v.scheduled_at is null)
  or (v.rule = 'routine-next-day' and v.done_at < (date_trunc('day', v.scheduled_at at time zone $4) at time zone $4))))`;

/** The monthly figures (考核指标), counted in SQL over [start, end); drills never count. */
export const reportsRepository = {
  async orders(db: Queryable, siteId: string, start: number, end: number, g: Grouping) {
    const { rows } = await db.query<{ key: string; created: number; countable: number; completed: number }>(
      `select ${keyOf(g, 'w')} as key, count(*)::int as created,
         count(*) filter (where w.status not in ('cancelled', 'false-alarm'))::int as countable,
         count(*) filter (where w.status in ('resolved', 'fed-back', 'visited', 'closed'))::int as completed
       from work_orders w where w.site_id = $1 and ${range('w.created_at')} and not w.drill and w.merged_into is null group by 1`,
      [siteId, start, end],
    );
    return rows;
  },

  /** Steps finished in the month; on time when finished by their deadline. Each step counts for whoever held it. */
  async steps(db: Queryable, siteId: string, start: number, end: number, g: Grouping) {
    const { rows } = await db.query<{ key: string; step: ClockStep; steps: number; on_time: number }>(
      `select ${keyOf(g, 's')} as key, s.step, count(*)::int as steps, count(*) filter (where s.done_at <= s.due_at)::int as on_time
       from work_order_steps s join work_orders w on w.id = s.work_order_id
       where s.site_id = $1 and ${range('s.done_at')} and not w.drill group by 1, 2`,
      [siteId, start, end],
    );
    return rows;
  },

  async returnVisits(db: Queryable, siteId: string, start: number, end: number, g: Grouping, timeZone: string) {
    const { rows } = await db.query<{
      key: string;
      due: number;
      done: number;
      routine: number;
      routine_on_time: number;
      early: number;
      satisfied: number;
      dissatisfied: number;
      rated: number;
    }>(
      `select ${keyOf(g, 'w')} as key,
         count(*) filter (where v.status <> 'superseded')::int as due,
         count(*) filter (where v.status = 'done')::int as done,
         count(*) filter (where v.rule = 'routine-next-day' and v.status <> 'superseded')::int as routine,
         count(*) filter (where v.rule = 'routine-next-day' and v.status = 'done' and v.done_at <= v.due_at and not ${EARLY})::int as routine_on_time,
         count(*) filter (where ${EARLY})::int as early,
         count(*) filter (where v.satisfaction = 'satisfied')::int as satisfied,
         count(*) filter (where v.satisfaction = 'dissatisfied')::int as dissatisfied,
         count(*) filter (where v.satisfaction is not null)::int as rated
       from return_visits v join work_orders w on w.id = v.work_order_id
       where v.site_id = $1 and ${range('v.planned_at')} and not w.drill group by 1`,
      [siteId, start, end, timeZone],
    );
    return rows;
  },

  /**
   * Anomalies opened in the month, an incident once and its members not (issue 14: the KPIs count
   * incidents, not members); a member split out of its incident stands alone and counts.
   */
  async anomalies(db: Queryable, siteId: string, start: number, end: number) {
    const { rows } = await db.query<{ opened: number; incidents: number; folded: number; with_order: number }>(
      `select count(*) filter (where a.incident_id is null or a.split_at is not null)::int as opened,
         count(*) filter (where a.rule = 'incident')::int as incidents,
         count(*) filter (where a.incident_id is not null and a.split_at is null)::int as folded,
         count(*) filter (where (a.incident_id is null or a.split_at is not null)
           and exists (select 1 from work_orders w where w.anomaly_id = a.id and w.merged_into is null))::int as with_order
       from anomalies a where a.site_id = $1 and ${range('a.opened_at')} and not a.drill`,
      [siteId, start, end],
    );
    const r = rows[0] ?? { opened: 0, incidents: 0, folded: 0, with_order: 0 };
    return { opened: r.opened, incidents: r.incidents, folded: r.folded, withOrder: r.with_order, withoutOrder: r.opened - r.with_order };
  },

  async falseAlarms(db: Queryable, siteId: string, start: number, end: number) {
    const { rows } = await db.query<{ rule: string; orders: number; false_alarms: number }>(
      `select w.rule, count(*)::int as orders, count(*) filter (where w.status = 'false-alarm')::int as false_alarms
       from work_orders w where w.site_id = $1 and w.source = 'anomaly' and ${range('w.created_at')} and not w.drill and w.merged_into is null
       group by w.rule order by w.rule`,
      [siteId, start, end],
    );
    return rows;
  },

  /** Issue 23: orders of the month whose work was reported done, per rule: complete, or with an SOP item waived. */
  async sopByRule(db: Queryable, siteId: string, start: number, end: number) {
    const { rows } = await db.query<{ rule: string; finished: number; with_exceptions: number }>(
      `select w.rule, count(*)::int as finished,
         count(*) filter (where exists (select 1 from jsonb_array_elements(w.checklist) e where e ? 'waived'))::int as with_exceptions
       from work_orders w where w.site_id = $1 and w.source = 'anomaly' and ${range('w.created_at')} and not w.drill and w.merged_into is null
         and w.resolution is not null and jsonb_array_length(w.checklist) > 0
       group by w.rule order by w.rule`,
      [siteId, start, end],
    );
    return rows;
  },

  /** The SOP exceptions recorded in the month, oldest first, with who, why and which items. */
  async sopExceptions(db: Queryable, siteId: string, start: number, end: number) {
    const { rows } = await db.query<{ work_order_id: string; rule: string | null; at: number; actor: string; payload: Record<string, unknown> }>(
      `select e.work_order_id::text as work_order_id, w.rule, (extract(epoch from e.at) * 1000)::float8 as at, e.actor, e.payload
       from work_order_events e join work_orders w on w.id = e.work_order_id
       where w.site_id = $1 and e.action = 'sop-exception' and ${range('e.at')} and not w.drill
       order by e.at, e.id`,
      [siteId, start, end],
    );
    return rows;
  },
};
