import type { ReturnVisitDto, ReturnVisitPlan, Satisfaction } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

const ms = (column: string, as: string) => `(extract(epoch from v.${column}) * 1000)::float8 as "${as}"`;
const COLUMNS = `v.id::text as id, v.site_id as "siteId", v.work_order_id::text as "workOrderId", v.rule, v.method, v.visitor_role as "visitorRole", v.status,
  ${ms('scheduled_at', 'scheduledAt')}, ${ms('due_at', 'dueAt')}, ${ms('done_at', 'doneAt')}, v.satisfaction, v.visited_by as "visitedBy",
  w.unit_id as "unitId", json_build_object('zh', w.title_zh, 'en', w.title_en) as title`;
const FROM = 'return_visits v join work_orders w on w.id = v.work_order_id';

export const returnVisitsRepository = {
  async insert(db: Queryable, workOrderId: string, siteId: string, plan: ReturnVisitPlan, now: number): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `insert into return_visits (work_order_id, site_id, rule, method, visitor_role, status, planned_at, scheduled_at, due_at)
       values ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), to_timestamp($8::float8 / 1000.0), to_timestamp($9::float8 / 1000.0)) returning id::text as id`,
      [workOrderId, siteId, plan.rule, plan.method, plan.visitorRole, plan.waitsForRain ? 'waiting-for-rain' : 'pending', now, plan.scheduledAt, plan.dueAt],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('return visit insert returned no id');
    return id;
  },

  async find(db: Queryable, id: string): Promise<ReturnVisitDto | undefined> {
    const { rows } = await db.query<ReturnVisitDto>(`select ${COLUMNS} from ${FROM} where v.id = $1`, [id]);
    return rows[0];
  },

  /** The visit still to do for an order (pending or waiting for rain). */
  async openFor(db: Queryable, workOrderId: string): Promise<ReturnVisitDto | undefined> {
    const { rows } = await db.query<ReturnVisitDto>(
      `select ${COLUMNS} from ${FROM} where v.work_order_id = $1 and v.status in ('pending', 'waiting-for-rain') order by v.id desc limit 1`,
      [workOrderId],
    );
    return rows[0];
  },

  async forOrder(db: Queryable, workOrderId: string): Promise<ReturnVisitDto[]> {
    const { rows } = await db.query<ReturnVisitDto>(`select ${COLUMNS} from ${FROM} where v.work_order_id = $1 order by v.id`, [workOrderId]);
    return rows;
  },

  async list(
    db: Queryable,
    siteId: string,
    q: { status?: string[] | undefined; dueBefore?: number | undefined; limit: number; offset: number },
  ): Promise<{ items: ReturnVisitDto[]; total: number }> {
    const where = ['v.site_id = $1'];
    const params: unknown[] = [siteId];
    if (q.status) {
      params.push(q.status);
      where.push(`v.status = any($${params.length})`);
    }
    if (q.dueBefore !== undefined) {
      params.push(q.dueBefore);
      where.push(`v.due_at <= to_timestamp($${params.length} / 1000.0)`);
    }
    const filter = where.join(' and ');
    const [page, count] = await Promise.all([
      db.query<ReturnVisitDto>(`select ${COLUMNS} from ${FROM} where ${filter} order by v.due_at nulls last, v.id limit ${q.limit} offset ${q.offset}`, params),
      db.query<{ n: number }>(`select count(*)::int as n from return_visits v where ${filter}`, params),
    ]);
    return { items: page.rows, total: count.rows[0]?.n ?? 0 };
  },

  async complete(db: Queryable, id: string, satisfaction: Satisfaction, visitedBy: string, now: number): Promise<void> {
    await db.query(
      `update return_visits set status = 'done', satisfaction = $2, visited_by = $3, done_at = to_timestamp($4 / 1000.0) where id = $1 and status <> 'done'`,
      [id, satisfaction, visitedBy, now],
    );
  },

  async supersedeOpen(db: Queryable, workOrderId: string): Promise<void> {
    await db.query(`update return_visits set status = 'superseded' where work_order_id = $1 and status in ('pending', 'waiting-for-rain')`, [workOrderId]);
  },

  /** Locks the visits of a site waiting for heavy rain; each is scheduled by the rain. */
  async lockWaitingForRain(db: Queryable, siteId: string): Promise<{ id: string; workOrderId: string }[]> {
    const { rows } = await db.query<{ id: string; workOrderId: string }>(
      `select id::text as id, work_order_id::text as "workOrderId" from return_visits where site_id = $1 and status = 'waiting-for-rain' order by return_visits.id for update`,
      [siteId],
    );
    return rows;
  },

  async schedule(db: Queryable, id: string, scheduledAt: number, dueAt: number): Promise<void> {
    await db.query(`update return_visits set status = 'pending', scheduled_at = to_timestamp($2 / 1000.0), due_at = to_timestamp($3 / 1000.0) where id = $1`, [
      id,
      scheduledAt,
      dueAt,
    ]);
  },

  async recordHeavyRain(db: Queryable, siteId: string, occurredAt: number, recordedBy: string, note: string | null): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `insert into site_events (site_id, kind, occurred_at, recorded_by, note) values ($1, 'heavy-rain', to_timestamp($2 / 1000.0), $3, $4) returning id::text as id`,
      [siteId, occurredAt, recordedBy, note],
    );
    return rows[0]?.id ?? '';
  },
};
