import {
  actionPermission,
  allowedActions,
  type BoardSnapshot,
  type ChecklistEntry,
  gateOfEntry,
  type IntakeRequest,
  isOpenStatus,
  missingEvidence,
  ownerPhoneFor,
  type Permission,
  progressUpdateDueAt,
  type TransitionRequest,
  type UserDto,
  type WorkOrderDetail,
  type WorkOrderDto,
  type WorkOrderListQuery,
} from '@dutyroom/domain';
import { anomaliesRepository } from '../repositories/anomalies.repository.ts';
import { audit } from '../repositories/audit.repository.ts';
import { returnVisitsRepository } from '../repositories/return-visits.repository.ts';
import { historyRepository } from '../repositories/work-order-history.repository.ts';
import { workOrdersRepository } from '../repositories/work-orders.repository.ts';
import { requireOrderAccess, requirePermission, requireSiteAccess } from './access.ts';
import { ServiceError } from './errors.ts';
import { applyChange, writeOrder } from './work-order-changes.ts';
import { createAnomalyDispatch } from './work-order-dispatch.ts';
import { workOrderSupport } from './work-order-support.ts';
import { actorOf, dtoOf, type WorkOrdersContext } from './work-orders.context.ts';

export type { Broadcast } from './work-orders.context.ts';

/** The work orders of one site: intake, the anomaly follower, every lifecycle action, queries. */
export function createWorkOrdersService(ctx: WorkOrdersContext) {
  /** Access to one order: permission, then grid/department scope for stewards and crews (issue 6). */
  const requireOrder = (user: UserDto | undefined, id: string, permission: Permission) =>
    requireOrderAccess(ctx.scope, user, permission, ctx.site.siteId, () => workOrdersRepository.find(ctx.db, id));

  const { db, site, broadcast, now } = ctx;

  const support = workOrderSupport(ctx);
  const { publish, lockOrder, open, refollow, ownerOf, mergeInto } = support;
  const anomalyDispatch = createAnomalyDispatch(ctx, support);

  return {
    /**
     * An anomaly changed (ingest event or sweep): open its order once per episode when its rule's
     * dispatch says so (work-order-dispatch.ts), even when the event arrives twice or in two server
     * processes; a repeat counts on the open order; a clear closes an untouched order (SPEC §5).
     */
    onAnomaly: anomalyDispatch.onAnomaly,

    async board(user: UserDto | undefined): Promise<BoardSnapshot> {
      requireSiteAccess(user, site.siteId);
      const [anomalies, workOrders] = await Promise.all([anomaliesRepository.listOpen(db, site.siteId), workOrdersRepository.listOpen(db, site.siteId)]);
      return { anomalies, workOrders: workOrders.map((w) => dtoOf(ctx, w)) };
    },

    async list(user: UserDto | undefined, query: WorkOrderListQuery): Promise<{ items: WorkOrderDto[]; total: number; limit: number; offset: number }> {
      requireSiteAccess(user, site.siteId);
      const { items, total } = await workOrdersRepository.list(db, site.siteId, query, now());
      return { items: items.map((w) => dtoOf(ctx, w)), total, limit: query.limit, offset: query.offset };
    },

    async detail(user: UserDto | undefined, id: string): Promise<WorkOrderDetail> {
      const viewer = await requireOrder(user, id, 'workOrders:read');
      const order = await workOrdersRepository.find(db, id);
      if (order === undefined || order.site_id !== site.siteId) throw new ServiceError('NOT_FOUND', `no work order ${id}`);
      const [timeline, steps, returnVisits, photos] = await Promise.all([
        historyRepository.timeline(db, id),
        historyRepository.steps(db, id),
        returnVisitsRepository.forOrder(db, id),
        historyRepository.photos(db, id),
      ]);
      const phone = ownerPhoneFor(viewer.role, order.owner_phone);
      return {
        workOrder: dtoOf(ctx, order),
        description: order.description,
        channel: order.channel,
        repairKind: order.repair_kind,
        majorComplaint: order.major_complaint,
        owner: order.owner_name === null ? null : { name: order.owner_name, phone },
        reason: order.reason,
        resolution: order.resolution && { ...order.resolution, materials: order.resolution.materials.map((m) => ({ ...m })) },
        allowedActions: allowedActions(order.status),
        timeline,
        steps,
        returnVisits,
        photos: photos.map(({ fileName: _f, ...p }) => p),
      };
    },

    /** 受理: the front desk records a call, a visit or an app request (SPEC §6) and may dispatch it at once. */
    async intake(user: UserDto | undefined, request: IntakeRequest): Promise<WorkOrderDto> {
      const actor = actorOf(requirePermission(user, 'workOrders:create', site.siteId));
      const unit = request.unitId === undefined ? undefined : site.unit(request.unitId);
      if (request.unitId !== undefined && unit === undefined) throw new ServiceError('VALIDATION', `unitId: no unit "${request.unitId}" at this site`);
      const titles = { repair: ['报修', 'Repair'], complaint: ['投诉', 'Complaint'], enquiry: ['咨询', 'Enquiry'], request: ['求助', 'Request'] } as const;
      const [zh, en] = titles[request.category];
      const summary = request.description.length > 40 ? `${request.description.slice(0, 40)}…` : request.description;
      const result = await db.transaction(async (tx) =>
        open(
          tx,
          {
            siteId: site.siteId,
            anomalyId: null,
            source: 'intake',
            rule: null,
            title: { zh: `${zh}：${summary}`, en: `${en}: ${summary}` },
            unitId: unit?.id ?? null,
            severity: request.severity,
            gridId: unit?.gridId ?? null,
            checklist: [],
            category: request.category,
            channel: request.channel,
            description: request.description,
            owner: request.owner ?? ownerOf(unit?.id ?? null),
            repairKind: request.repairKind ?? null,
            majorComplaint: request.majorComplaint,
            anomalyCount: 0,
            drill: request.drill,
            now: now(),
          },
          actor,
          request.dispatch === undefined ? undefined : { action: 'dispatch', ...request.dispatch },
          { category: request.category, channel: request.channel, unitId: unit?.id ?? null },
        ),
      );
      if (result === undefined) throw new Error('an intake order was not inserted');
      publish(result);
      return dtoOf(ctx, result.order);
    },

    /** Every lifecycle action by a person, through the one state machine. */
    async transition(user: UserDto | undefined, id: string, request: TransitionRequest): Promise<WorkOrderDto> {
      const actor = actorOf(await requireOrder(user, id, actionPermission[request.action]));
      const result = await db.transaction(async (tx) => {
        const order = await lockOrder(tx, id);
        if (request.idempotencyKey !== undefined) {
          const seen = await historyRepository.orderOfIdempotencyKey(tx, request.idempotencyKey);
          if (seen === id) return { replay: order };
          if (seen !== undefined) throw new ServiceError('CONFLICT', 'idempotencyKey was used for another work order');
        }
        if (request.expectedVersion !== undefined && request.expectedVersion !== order.version)
          throw new ServiceError('CONFLICT', `work order ${id} is at version ${order.version}, not ${request.expectedVersion}; reload and try again`);
        return { change: await applyChange(tx, ctx, order, request, actor) };
      });
      if ('replay' in result) return dtoOf(ctx, result.replay);
      publish(result.change);
      return dtoOf(ctx, result.change.order);
    },

    /** 确认: the control room has seen the order. Idempotent: a second acknowledgement changes nothing. */
    async acknowledge(user: UserDto | undefined, id: string): Promise<WorkOrderDto> {
      const actor = actorOf(requirePermission(user, 'workOrders:acknowledge', site.siteId));
      const result = await db.transaction(async (tx) => {
        const order = await lockOrder(tx, id);
        if (order.acknowledged_at !== null) return { changed: false, order };
        const t = now();
        const updated = await writeOrder(tx, order, { acknowledged_at: t, acknowledged_by: actor.displayName }, t);
        await historyRepository.addEvent(tx, { workOrderId: id, at: t, actor: actor.displayName, action: 'acknowledge' });
        await audit(tx, {
          actor: actor.username,
          action: 'work-order.acknowledged',
          subjectType: 'work-order',
          subjectId: id,
          detail: { siteId: site.siteId },
        });
        return { changed: true, order: updated };
      });
      if (result.changed) broadcast.workOrder(dtoOf(ctx, result.order));
      return dtoOf(ctx, result.order);
    },

    /** A note on the timeline; `progress` notes are the 24-hour update to the owner and restart that reminder. */
    async addNote(user: UserDto | undefined, id: string, text: string, progress?: { channel: string }): Promise<WorkOrderDto> {
      const actor = actorOf(await requireOrder(user, id, progress === undefined ? 'workOrders:read' : 'workOrders:followUp'));
      const order = await db.transaction(async (tx) => {
        const current = await lockOrder(tx, id);
        const t = now();
        // 每24小时至少跟进一次: an update to the owner restarts the 24-hour reminder.
        const restarted =
          progress === undefined || current.progress_due_at === null
            ? {}
            : { progress_due_at: progressUpdateDueAt(t, ctx.policy.timeStandards, ctx.policy.callHours, site.timezone), progress_overdue: false };
        const updated = await writeOrder(tx, current, restarted, t);
        const action = progress === undefined ? 'note' : 'progress-update';
        await historyRepository.addEvent(tx, { workOrderId: id, at: t, actor: actor.displayName, action, payload: { text, ...progress } });
        await audit(tx, {
          actor: actor.username,
          action: `work-order.${action}`,
          subjectType: 'work-order',
          subjectId: id,
          detail: { siteId: site.siteId, ...progress },
        });
        return updated;
      });
      broadcast.workOrder(dtoOf(ctx, order));
      return dtoOf(ctx, order);
    },

    /** Ticks an SOP item (SPEC §5) from the console or the phone. */
    async tickChecklist(
      user: UserDto | undefined,
      id: string,
      itemId: string,
      tick: { done: boolean; note?: string | undefined; ownerReached?: boolean | undefined; photoId?: string | undefined },
    ): Promise<WorkOrderDto> {
      const actor = actorOf(await requireOrder(user, id, 'workOrders:progress'));
      const order = await db.transaction(async (tx) => {
        const current = await lockOrder(tx, id);
        if (!isOpenStatus(current.status)) throw new ServiceError('WO_INVALID_TRANSITION', `a work order that is ${current.status} has its checklist closed`);
        const target = current.checklist.find((i) => i.id === itemId);
        if (target === undefined) throw new ServiceError('NOT_FOUND', `work order ${id} has no checklist item "${itemId}"`);
        if (tick.photoId !== undefined && !(await historyRepository.photos(tx, id)).some((p) => p.id === tick.photoId))
          throw new ServiceError('VALIDATION', `photoId: work order ${id} has no photo ${tick.photoId}`);
        const t = now();
        // An untick drops the evidence of the earlier tick: ticked again, the item asks for it anew.
        const { proof: _proof, ownerReached: _reached, photoId: _photo, ...base } = target;
        const entry: ChecklistEntry = {
          ...(tick.done ? target : base),
          done: tick.done,
          doneAt: tick.done ? t : null,
          doneBy: tick.done ? actor.displayName : null,
          ...(tick.note ? { note: tick.note } : {}),
          ...(tick.ownerReached === undefined ? {} : { ownerReached: tick.ownerReached }),
          ...(tick.photoId === undefined ? {} : { photoId: tick.photoId }),
        };
        // Issue 23: a tick counts only with what its item declares as evidence (a note, the call's outcome, a photo).
        const missing = tick.done ? missingEvidence(entry, gateOfEntry(current.rule, target).evidence) : undefined;
        if (missing !== undefined) throw new ServiceError('VALIDATION', `"${itemId}" (${target.zh}) is done with ${missing}`);
        const ticked = current.checklist.map((item): ChecklistEntry => (item.id === itemId ? entry : item));
        // 社区管家工作职责: the checklist follows the unit's facts; whether the owner was reached decides the notice at the door.
        const items = tick.ownerReached === undefined || current.rule === null ? ticked : refollow(current.rule, current.unit_id, ticked, tick.ownerReached);
        const updated = await writeOrder(tx, current, { checklist: items }, t);
        await historyRepository.addEvent(tx, { workOrderId: id, at: t, actor: actor.displayName, action: 'checklist', payload: { itemId, ...tick } });
        await audit(tx, {
          actor: actor.username,
          action: 'work-order.checklist',
          subjectType: 'work-order',
          subjectId: id,
          detail: { siteId: site.siteId, itemId, ...tick },
        });
        return updated;
      });
      broadcast.workOrder(dtoOf(ctx, order));
      return dtoOf(ctx, order);
    },

    /**
     * Issue 23: the system ticks `close-valve` itself when it has sent the valve's close command for
     * this order (the command id is the evidence). Nothing to do when the order has no such item
     * open or is finished; a failure here never undoes the command.
     */
    async valveClosed(orderId: string, commandId: string, by: string): Promise<void> {
      const order = await db.transaction(async (tx) => {
        const current = await lockOrder(tx, orderId);
        const target = current.checklist.find((i) => i.id === 'close-valve');
        if (!isOpenStatus(current.status) || target === undefined || (target.done && target.proof !== undefined)) return undefined;
        const t = now();
        const entry: ChecklistEntry = { ...target, done: true, doneAt: t, doneBy: by, proof: { kind: 'valve-command', ref: commandId } };
        const updated = await writeOrder(tx, current, { checklist: current.checklist.map((i) => (i.id === 'close-valve' ? entry : i)) }, t);
        await historyRepository.addEvent(tx, {
          workOrderId: orderId,
          at: t,
          actor: '系统',
          action: 'checklist',
          payload: { itemId: 'close-valve', done: true, commandId },
        });
        await audit(tx, {
          actor: 'system',
          action: 'work-order.checklist',
          subjectType: 'work-order',
          subjectId: orderId,
          detail: { siteId: site.siteId, itemId: 'close-valve', done: true, commandId, by },
        });
        return updated;
      });
      if (order !== undefined) broadcast.workOrder(dtoOf(ctx, order));
    },

    /** Merges duplicates into `id`: each is cancelled with a pointer to the order that goes on. */
    async merge(user: UserDto | undefined, id: string, duplicateIds: readonly string[]): Promise<WorkOrderDto> {
      const actor = actorOf(requireSiteAccess(requirePermission(user, 'workOrders:dispatch', site.siteId), site.siteId));
      if (duplicateIds.includes(id)) throw new ServiceError('VALIDATION', 'duplicateIds: an order cannot be merged into itself');
      const results = await db.transaction((tx) => mergeInto(tx, id, duplicateIds, actor));
      for (const r of results) publish(r);
      const last = results.at(-1);
      if (last === undefined) throw new Error('merge returned nothing');
      return dtoOf(ctx, last.order);
    },

    people(user: UserDto | undefined) {
      requireSiteAccess(user, site.siteId);
      return ctx.directory.people.map(({ id, name, role, department }) => ({ id, name, role, department }));
    },

    policy(user: UserDto | undefined) {
      requireSiteAccess(user, site.siteId);
      return ctx.policy;
    },
  };
}

export type WorkOrdersService = ReturnType<typeof createWorkOrdersService>;
