import type { ClockStep, Department, PhotoDto, TimelineEntry, WorkOrderStatus } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

const at = (column: string, as = column) => `(extract(epoch from ${column}) * 1000)::float8 as ${as}`;

/** The timeline of an order, its timed steps, escalations and photos. Rows are only ever added (or a step closed). */
export const historyRepository = {
  async addEvent(
    db: Queryable,
    e: {
      workOrderId: string;
      at: number;
      actor: string;
      action: string;
      from?: WorkOrderStatus | null;
      to?: WorkOrderStatus | null;
      payload?: object;
      idempotencyKey?: string | undefined;
    },
  ): Promise<void> {
    await db.query(
      `insert into work_order_events (work_order_id, at, actor, action, from_status, to_status, payload, idempotency_key)
       values ($1, to_timestamp($2 / 1000.0), $3, $4, $5, $6, $7, $8)`,
      [e.workOrderId, e.at, e.actor, e.action, e.from ?? null, e.to ?? null, JSON.stringify(e.payload ?? {}), e.idempotencyKey ?? null],
    );
  },

  /** The order a request with this idempotency key already changed, if any. */
  async orderOfIdempotencyKey(db: Queryable, key: string): Promise<string | undefined> {
    const { rows } = await db.query<{ id: string }>('select work_order_id::text as id from work_order_events where idempotency_key = $1', [key]);
    return rows[0]?.id;
  },

  async timeline(db: Queryable, workOrderId: string): Promise<TimelineEntry[]> {
    const { rows } = await db.query<TimelineEntry>(
      `select id::text as id, ${at('at')}, actor, action, from_status as "fromStatus", to_status as "toStatus", payload
       from work_order_events where work_order_id = $1 order by work_order_events.id`,
      [workOrderId],
    );
    return rows;
  },

  async openStep(
    db: Queryable,
    s: { workOrderId: string; siteId: string; step: ClockStep; department: Department | null; assigneeId: string | null; startedAt: number; dueAt: number },
  ): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `insert into work_order_steps (work_order_id, site_id, step, department, assignee_id, started_at, due_at)
       values ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), to_timestamp($7 / 1000.0)) returning id::text as id`,
      [s.workOrderId, s.siteId, s.step, s.department, s.assigneeId, s.startedAt, s.dueAt],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('step insert returned no id');
    return id;
  },

  async closeStep(db: Queryable, stepId: string, doneAt: number): Promise<void> {
    await db.query('update work_order_steps set done_at = to_timestamp($2 / 1000.0) where id = $1 and done_at is null', [stepId, doneAt]);
  },

  /** A reassignment moves the running step to the new department and person. */
  async reassignStep(db: Queryable, stepId: string, department: Department | null, assigneeId: string | null): Promise<void> {
    await db.query('update work_order_steps set department = $2, assignee_id = $3 where id = $1 and done_at is null', [stepId, department, assigneeId]);
  },

  async steps(db: Queryable, workOrderId: string) {
    const { rows } = await db.query<{
      step: ClockStep;
      department: Department | null;
      assigneeId: string | null;
      startedAt: number;
      dueAt: number;
      doneAt: number | null;
    }>(
      `select step, department, assignee_id as "assigneeId", ${at('started_at', '"startedAt"')}, ${at('due_at', '"dueAt"')}, ${at('done_at', '"doneAt"')}
       from work_order_steps where work_order_id = $1 order by work_order_steps.id`,
      [workOrderId],
    );
    return rows.map((r) => ({ ...r, onTime: r.doneAt === null ? null : r.doneAt <= r.dueAt }));
  },

  /** False when this warning or escalation of the step was recorded already (the unique key). */
  async addEscalation(
    db: Queryable,
    e: { workOrderId: string; stepId: string; kind: 'warning' | 'escalation'; count: number; level: number; role: string; personId: string; at: number },
  ): Promise<boolean> {
    const { rows } = await db.query(
      `insert into work_order_escalations (work_order_id, step_id, kind, count, level, role, person_id, at)
       values ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0)) on conflict (step_id, kind, count) do nothing returning id`,
      [e.workOrderId, e.stepId, e.kind, e.count, e.level, e.role, e.personId, e.at],
    );
    return rows.length > 0;
  },

  async addPhoto(
    db: Queryable,
    p: { workOrderId: string; fileName: string; contentType: string; sizeBytes: number; uploadedBy: string; at: number },
  ): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `insert into work_order_photos (work_order_id, file_name, content_type, size_bytes, uploaded_by, at)
       values ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0)) returning id::text as id`,
      [p.workOrderId, p.fileName, p.contentType, p.sizeBytes, p.uploadedBy, p.at],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('photo insert returned no id');
    return id;
  },

  async photos(db: Queryable, workOrderId: string): Promise<(PhotoDto & { fileName: string })[]> {
    const { rows } = await db.query<Omit<PhotoDto, 'url'> & { fileName: string }>(
      `select id::text as id, work_order_id::text as "workOrderId", content_type as "contentType", size_bytes as "sizeBytes",
         uploaded_by as "uploadedBy", ${at('at')}, file_name as "fileName" from work_order_photos where work_order_id = $1 order by work_order_photos.id`,
      [workOrderId],
    );
    return rows.map((r) => ({ ...r, url: `/api/v1/work-orders/${r.workOrderId}/photos/${r.id}` }));
  },
};
