import {
  type AnomalyDto,
  type ChecklistEntry,
  type ClockStep,
  type Department,
  type IntakeCategory,
  OPEN_STATUSES,
  type RepairKind,
  type WorkOrderDto,
  type WorkOrderListQuery,
  type WorkOrderStatus,
} from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

const ms = (column: string, as = column) => `(extract(epoch from w.${column}) * 1000)::float8 as ${as}`;

const COLUMNS = `w.id::text as id, w.site_id, w.anomaly_id::text as anomaly_id, w.source, w.rule, w.title_zh, w.title_en, w.unit_id,
  w.severity, w.status, w.grid_id, w.assignee_id, p.name as assignee_name, w.checklist, ${ms('created_at')}, ${ms('acknowledged_at')},
  w.acknowledged_by, w.drill, w.version, w.category, w.channel, w.description, w.owner_name, w.owner_phone, w.department, w.repair_kind,
  w.major_complaint, ${ms('appointment_at')}, ${ms('promised_at')}, ${ms('dispatched_at')}, ${ms('status_since')}, w.anomaly_count,
  w.reopen_count, w.merged_into::text as merged_into, w.reason, w.resolution, ${ms('closed_at')}, w.step, w.step_id::text as step_id,
  ${ms('due_at')}, ${ms('warn_at')}, w.warned, w.escalation_count, ${ms('next_escalation_at')}, ${ms('progress_due_at')}, w.progress_overdue`;
const FROM = 'work_orders w left join people p on p.site_id = w.site_id and p.id = w.assignee_id';

/** Every column of an order, as the services read and change it. Times are epoch ms. */
export interface WorkOrderRecord {
  id: string;
  site_id: string;
  anomaly_id: string | null;
  source: 'anomaly' | 'intake';
  rule: string | null;
  title_zh: string;
  title_en: string;
  unit_id: string | null;
  severity: WorkOrderDto['severity'];
  status: WorkOrderStatus;
  grid_id: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  checklist: ChecklistEntry[];
  created_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  drill: boolean;
  version: number;
  category: IntakeCategory | null;
  channel: 'phone' | 'visit' | 'app' | null;
  description: string | null;
  owner_name: string | null;
  owner_phone: string | null;
  department: Department | null;
  repair_kind: RepairKind | null;
  major_complaint: boolean;
  appointment_at: number | null;
  promised_at: number | null;
  dispatched_at: number | null;
  status_since: number;
  anomaly_count: number;
  reopen_count: number;
  merged_into: string | null;
  reason: string | null;
  resolution: {
    note: string;
    materials: { name: string; quantity: number; unit?: string | undefined }[];
    costYuan: number | null;
    completedAt: number | null;
  } | null;
  closed_at: number | null;
  step: ClockStep | null;
  step_id: string | null;
  due_at: number | null;
  warn_at: number | null;
  warned: boolean;
  escalation_count: number;
  next_escalation_at: number | null;
  progress_due_at: number | null;
  progress_overdue: boolean;
}

export function toWorkOrderDto(r: WorkOrderRecord, escalationLevels: number): WorkOrderDto {
  return {
    id: r.id,
    siteId: r.site_id,
    anomalyId: r.anomaly_id,
    rule: r.rule,
    title: { zh: r.title_zh, en: r.title_en },
    unitId: r.unit_id,
    severity: r.severity,
    status: r.status,
    gridId: r.grid_id,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    checklist: r.checklist,
    createdAt: r.created_at,
    department: r.department,
    dueAt: r.due_at,
    warnAt: r.warn_at,
    step: r.step,
    escalationLevel: Math.min(r.escalation_count, escalationLevels),
    source: r.source,
    category: r.category,
    anomalyCount: r.anomaly_count,
    progressUpdateDueAt: r.progress_due_at,
    mergedInto: r.merged_into,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    drill: r.drill,
    version: r.version,
  };
}

/** Columns a service may change, with how each is written. */
const WRITABLE = {
  status: 'text',
  department: 'text',
  assignee_id: 'text',
  appointment_at: 'ts',
  promised_at: 'ts',
  dispatched_at: 'ts',
  status_since: 'ts',
  anomaly_count: 'int',
  reopen_count: 'int',
  merged_into: 'int',
  reason: 'text',
  resolution: 'json',
  repair_kind: 'text',
  closed_at: 'ts',
  checklist: 'json',
  step: 'text',
  step_id: 'int',
  due_at: 'ts',
  warn_at: 'ts',
  warned: 'bool',
  escalation_count: 'int',
  next_escalation_at: 'ts',
  progress_due_at: 'ts',
  progress_overdue: 'bool',
  acknowledged_at: 'ts',
  acknowledged_by: 'text',
} as const;
export type WorkOrderPatch = { -readonly [K in keyof typeof WRITABLE]?: K extends keyof WorkOrderRecord ? WorkOrderRecord[K] : never };

export interface NewWorkOrder {
  readonly siteId: string;
  readonly anomalyId: string | null;
  readonly source: 'anomaly' | 'intake';
  readonly rule: string | null;
  readonly title: { zh: string; en: string };
  readonly unitId: string | null;
  readonly severity: WorkOrderDto['severity'];
  readonly gridId: string | null;
  readonly checklist: ChecklistEntry[];
  readonly category: IntakeCategory | null;
  readonly channel: 'phone' | 'visit' | 'app' | null;
  readonly description: string | null;
  readonly owner: { name: string; phone: string } | null;
  readonly repairKind: RepairKind | null;
  readonly majorComplaint: boolean;
  readonly anomalyCount: number;
  readonly drill: boolean;
  readonly now: number;
}

export const workOrdersRepository = {
  async find(db: Queryable, id: string): Promise<WorkOrderRecord | undefined> {
    if (!/^\d{1,9}$/.test(id)) return undefined;
    const { rows } = await db.query<WorkOrderRecord>(`select ${COLUMNS} from ${FROM} where w.id = $1`, [id]);
    return rows[0];
  },

  /** Locks the order for the rest of the transaction (two people, or two processes, change it one after the other). */
  async lock(db: Queryable, id: string): Promise<WorkOrderRecord | undefined> {
    if (!/^\d{1,9}$/.test(id)) return undefined;
    await db.query('select id from work_orders where id = $1 for update', [id]);
    return this.find(db, id);
  },

  /** Locks the order unless another process holds it: that process is handling its clock right now. */
  async lockUnlessBusy(db: Queryable, id: string): Promise<WorkOrderRecord | undefined> {
    const { rows } = await db.query<{ id: string }>('select id::text as id from work_orders where id = $1 for update skip locked', [id]);
    return rows[0] === undefined ? undefined : this.find(db, id);
  },

  async findByAnomaly(db: Queryable, anomalyId: string): Promise<WorkOrderRecord | undefined> {
    const { rows } = await db.query<WorkOrderRecord>(`select ${COLUMNS} from ${FROM} where w.anomaly_id = $1`, [anomalyId]);
    return rows[0];
  },

  async listOpen(db: Queryable, siteId: string): Promise<WorkOrderRecord[]> {
    const { rows } = await db.query<WorkOrderRecord>(
      `select ${COLUMNS} from ${FROM} where w.site_id = $1 and w.status = any($2) order by w.created_at desc limit 2000`,
      [siteId, OPEN_STATUSES],
    );
    return rows;
  },

  async list(db: Queryable, siteId: string, q: WorkOrderListQuery, now: number): Promise<{ items: WorkOrderRecord[]; total: number }> {
    const where = ['w.site_id = $1'];
    const params: unknown[] = [siteId];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (q.status) add((n) => `w.status = any(${n})`, q.status);
    if (q.state === 'open') add((n) => `w.status = any(${n})`, OPEN_STATUSES);
    if (q.state === 'finished') add((n) => `not (w.status = any(${n}))`, OPEN_STATUSES);
    if (q.department) add((n) => `w.department = any(${n})`, q.department);
    if (q.assigneeId) add((n) => `w.assignee_id = ${n}`, q.assigneeId);
    if (q.unitId) add((n) => `w.unit_id = ${n}`, q.unitId);
    if (q.gridId) add((n) => `w.grid_id = ${n}`, q.gridId);
    if (q.source) add((n) => `w.source = ${n}`, q.source);
    if (q.category) add((n) => `w.category = any(${n})`, q.category);
    if (q.rule) add((n) => `w.rule = ${n}`, q.rule);
    if (q.severity) add((n) => `w.severity = any(${n})`, q.severity);
    if (q.overdue === 'true') add((n) => `w.due_at <= to_timestamp(${n} / 1000.0)`, now);
    if (q.overdue === 'false') add((n) => `(w.due_at is null or w.due_at > to_timestamp(${n} / 1000.0))`, now);
    if (q.createdFrom !== undefined) add((n) => `w.created_at >= to_timestamp(${n} / 1000.0)`, q.createdFrom);
    if (q.createdTo !== undefined) add((n) => `w.created_at < to_timestamp(${n} / 1000.0)`, q.createdTo);
    const filter = where.join(' and ');
    const [page, count] = await Promise.all([
      db.query<WorkOrderRecord>(
        `select ${COLUMNS} from ${FROM} where ${filter} order by w.created_at desc, w.id desc limit ${q.limit} offset ${q.offset}`,
        params,
      ),
      db.query<{ n: number }>(`select count(*)::int as n from work_orders w where ${filter}`, params),
    ]);
    return { items: page.rows, total: count.rows[0]?.n ?? 0 };
  },

  /** One work order per anomaly episode: a second call for the same anomaly returns undefined. */
  async insert(db: Queryable, o: NewWorkOrder): Promise<string | undefined> {
    const { rows } = await db.query<{ id: string }>(
      `insert into work_orders (site_id, anomaly_id, source, rule, title_zh, title_en, unit_id, severity, status, grid_id, checklist,
         created_at, updated_at, status_since, drill, category, channel, description, owner_name, owner_phone, repair_kind, major_complaint, anomaly_count)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'created', $9, $10, to_timestamp($11 / 1000.0), to_timestamp($11 / 1000.0), to_timestamp($11 / 1000.0),
         $12, $13, $14, $15, $16, $17, $18, $19, $20)
       on conflict (anomaly_id) do nothing returning id::text as id`,
      [
        o.siteId,
        o.anomalyId,
        o.source,
        o.rule,
        o.title.zh,
        o.title.en,
        o.unitId,
        o.severity,
        o.gridId,
        JSON.stringify(o.checklist),
        o.now,
        o.drill,
        o.category,
        o.channel,
        o.description,
        o.owner?.name ?? null,
        o.owner?.phone ?? null,
        o.repairKind,
        o.majorComplaint,
        o.anomalyCount,
      ],
    );
    return rows[0]?.id;
  },

  /**
   * Writes a change and bumps the version, only if the order still has `version` (compare and
   * set): false means someone else changed it first.
   */
  async update(db: Queryable, id: string, version: number, patch: WorkOrderPatch, now: number): Promise<boolean> {
    const sets = ['version = version + 1', 'updated_at = to_timestamp($3 / 1000.0)'];
    const params: unknown[] = [id, version, now];
    for (const [column, value] of Object.entries(patch)) {
      const kind = WRITABLE[column as keyof typeof WRITABLE];
      if (kind === undefined) throw new Error(`work_orders.${column} is not writable`);
      params.push(kind === 'json' && value !== null ? JSON.stringify(value) : value);
      const n = `$${params.length}`;
      sets.push(`${column} = ${kind === 'ts' ? `to_timestamp(${n}::float8 / 1000.0)` : kind === 'json' ? `${n}::jsonb` : n}`);
    }
    const { rows } = await db.query(`update work_orders set ${sets.join(', ')} where id = $1 and version = $2 returning id`, params);
    return rows.length > 0;
  },

  /** Orders of a site whose clock needs the ticker: a warning, an escalation or a progress reminder is due. */
  async dueClocks(db: Queryable, siteId: string, now: number, limit: number): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `select id::text as id from work_orders where site_id = $1 and status = any($2) and (
         (not warned and warn_at <= to_timestamp($3 / 1000.0)) or next_escalation_at <= to_timestamp($3 / 1000.0)
         or (not progress_overdue and progress_due_at <= to_timestamp($3 / 1000.0)))
       order by work_orders.id limit $4`,
      [siteId, OPEN_STATUSES, now, limit],
    );
    return rows.map((r) => r.id);
  },
};

export type AnomalyForOrder = AnomalyDto;
