import { type AnomalyDto, type ChecklistItem, OPEN_STATUSES, type WorkOrderDto } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

const COLUMNS = `w.id::text as id, w.site_id, w.anomaly_id::text as anomaly_id, w.rule, w.title_zh, w.title_en, w.unit_id,
  w.severity, w.status, w.grid_id, w.assignee_id, p.name as assignee_name, w.checklist,
  (extract(epoch from w.created_at) * 1000)::float8 as created_at,
  (extract(epoch from w.acknowledged_at) * 1000)::float8 as acknowledged_at,
  w.acknowledged_by, w.drill, w.version`;
const FROM = 'work_orders w left join people p on p.site_id = w.site_id and p.id = w.assignee_id';

interface WorkOrderRow {
  id: string;
  site_id: string;
  anomaly_id: string | null;
  rule: string | null;
  title_zh: string;
  title_en: string;
  unit_id: string | null;
  severity: WorkOrderDto['severity'];
  status: WorkOrderDto['status'];
  grid_id: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  checklist: ChecklistItem[];
  created_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  drill: boolean;
  version: number;
}

const toDto = (r: WorkOrderRow): WorkOrderDto => ({
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
  department: null,
  dueAt: null,
  warnAt: null,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  drill: r.drill,
  version: r.version,
});

export interface NewAnomalyOrder {
  readonly anomaly: AnomalyDto;
  readonly gridId: string | null;
  readonly assigneeId: string | null;
  readonly status: WorkOrderDto['status'];
  readonly checklist: ChecklistItem[];
  readonly now: number;
}

export const workOrdersRepository = {
  async find(db: Queryable, id: string): Promise<WorkOrderDto | undefined> {
    const { rows } = await db.query<WorkOrderRow>(`select ${COLUMNS} from ${FROM} where w.id = $1`, [id]);
    return rows[0] && toDto(rows[0]);
  },

  async listOpen(db: Queryable, siteId: string): Promise<WorkOrderDto[]> {
    const { rows } = await db.query<WorkOrderRow>(
      `select ${COLUMNS} from ${FROM} where w.site_id = $1 and w.status = any($2) order by w.created_at desc limit 2000`,
      [siteId, OPEN_STATUSES],
    );
    return rows.map(toDto);
  },

  /** One work order per anomaly episode: a second call for the same anomaly returns undefined. */
  async insertForAnomaly(db: Queryable, o: NewAnomalyOrder): Promise<WorkOrderDto | undefined> {
    const { rows } = await db.query<{ id: string }>(
      `insert into work_orders (site_id, anomaly_id, source, rule, title_zh, title_en, unit_id, severity, status, grid_id, assignee_id, checklist, created_at, updated_at, drill)
       values ($1, $2, 'anomaly', $3, $4, $5, $6, $7, $8, $9, $10, $11, to_timestamp($12 / 1000.0), to_timestamp($12 / 1000.0), $13)
       on conflict (anomaly_id) do nothing returning id::text as id`,
      [
        o.anomaly.siteId,
        o.anomaly.id,
        o.anomaly.rule,
        o.anomaly.title.zh,
        o.anomaly.title.en,
        o.anomaly.unitId,
        o.anomaly.severity,
        o.status,
        o.gridId,
        o.assigneeId,
        JSON.stringify(o.checklist),
        o.now,
        o.anomaly.drill,
      ],
    );
    const id = rows[0]?.id;
    return id === undefined ? undefined : this.find(db, id);
  },

  /** Sets the acknowledgement once; returns undefined when it was already acknowledged. */
  async acknowledge(db: Queryable, id: string, by: string, now: number): Promise<boolean> {
    const { rows } = await db.query(
      `update work_orders set acknowledged_at = to_timestamp($3 / 1000.0), acknowledged_by = $2, updated_at = to_timestamp($3 / 1000.0), version = version + 1
       where id = $1 and acknowledged_at is null returning id`,
      [id, by, now],
    );
    return rows.length > 0;
  },

  /** Open anomalies that have no work order yet (an event lost between ingest and server). */
  async anomaliesWithoutOrder(db: Queryable, limit: number): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `select a.id::text as id from anomalies a where a.status = 'open'
       and not exists (select 1 from work_orders w where w.anomaly_id = a.id) order by a.id limit $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  },
};
