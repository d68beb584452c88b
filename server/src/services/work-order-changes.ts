import {
  type ClockFacts,
  isEarlyVisit,
  isOpenStatus,
  nextStatus,
  planReturnVisit,
  progressOwed,
  progressUpdateDueAt,
  type ReturnVisitDto,
  reportedBackOnTime,
  stepClock,
  type TransitionRequest,
  type WorkOrderAction,
} from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { returnVisitsRepository } from '../repositories/return-visits.repository.ts';
import { historyRepository } from '../repositories/work-order-history.repository.ts';
import { type WorkOrderPatch, type WorkOrderRecord, workOrdersRepository } from '../repositories/work-orders.repository.ts';
import { ServiceError } from './errors.ts';
import { sopGate } from './work-order-sop.ts';
import type { Actor, WorkOrdersContext } from './work-orders.context.ts';

/**
 * One place where an order changes: the state machine decides, the clock restarts, the timeline,
 * the step history and the audit log are written, all in the caller's transaction. Returns what
 * to broadcast after the commit.
 */
export interface ChangeResult {
  readonly order: WorkOrderRecord;
  readonly returnVisits: ReturnVisitDto[];
}

type SystemChange = { action: 'autoClose'; reason: string };
export type Change = TransitionRequest | SystemChange;

/** Restarts (or stops) the step clock for the order as it will be after `patch`. */
export async function clockPatch(
  tx: Queryable,
  ctx: WorkOrdersContext,
  before: WorkOrderRecord,
  patch: WorkOrderPatch,
  now: number,
  opts: { returnVisitDueAt?: number | null; stepDoneAt?: number } = {},
): Promise<WorkOrderPatch> {
  const after = { ...before, ...patch };
  const facts: ClockFacts = {
    status: after.status,
    severity: after.severity,
    department: after.department,
    statusSince: after.status_since,
    dispatchedAt: after.dispatched_at,
    appointmentAt: after.appointment_at,
    promisedAt: after.promised_at,
    returnVisitDueAt: opts.returnVisitDueAt ?? null,
  };
  if (before.step_id !== null) await historyRepository.closeStep(tx, before.step_id, Math.min(opts.stepDoneAt ?? now, now));
  const owed = progressOwed(after.status) && (after.unit_id !== null || after.owner_phone !== null);
  const progress: WorkOrderPatch = owed
    ? // Counted from now when the order opens or is reopened; a running reminder keeps its time.
      { progress_due_at: before.progress_due_at ?? progressUpdateDueAt(now, ctx.policy.timeStandards, ctx.policy.callHours, ctx.site.timezone) }
    : { progress_due_at: null, progress_overdue: false };
  const clock = stepClock(facts, ctx.policy.timeStandards, ctx.policy.escalation.warnAtFraction);
  if (clock === undefined)
    return { ...progress, step: null, step_id: null, due_at: null, warn_at: null, warned: false, escalation_count: 0, next_escalation_at: null };
  const stepId = await historyRepository.openStep(tx, {
    workOrderId: before.id,
    siteId: before.site_id,
    step: clock.step,
    department: after.department,
    assigneeId: after.assignee_id,
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
  });
  return {
    ...progress,
    step: clock.step,
    step_id: stepId,
    due_at: clock.dueAt,
    warn_at: clock.warnAt,
    warned: false,
    escalation_count: 0,
    next_escalation_at: clock.dueAt,
  };
}

/** Writes the patch under the version the order was read with; a concurrent change makes it a 409. */
export async function writeOrder(tx: Queryable, order: WorkOrderRecord, patch: WorkOrderPatch, now: number): Promise<WorkOrderRecord> {
  if (!(await workOrdersRepository.update(tx, order.id, order.version, patch, now)))
    throw new ServiceError('CONFLICT', `work order ${order.id} was changed by someone else meanwhile; reload and try again`);
  const updated = await workOrdersRepository.find(tx, order.id);
  if (updated === undefined) throw new ServiceError('NOT_FOUND', `no work order ${order.id}`);
  return updated;
}

function payloadOf(change: Change): Record<string, unknown> {
  const {
    action: _action,
    idempotencyKey: _key,
    expectedVersion: _version,
    ...rest
  } = change as TransitionRequest & { idempotencyKey?: string; expectedVersion?: number };
  return rest;
}

/** Applies a lifecycle action (SPEC §6) to a locked order. */
export async function applyChange(tx: Queryable, ctx: WorkOrdersContext, order: WorkOrderRecord, change: Change, actor: Actor): Promise<ChangeResult> {
  const now = ctx.now();
  const to = nextStatus(order.status, change.action as WorkOrderAction);
  if ('photoIds' in change && change.photoIds !== undefined && change.photoIds.length > 0) {
    const known = new Set((await historyRepository.photos(tx, order.id)).map((p) => p.id));
    const unknown = change.photoIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new ServiceError('VALIDATION', `photoIds: work order ${order.id} has no photo ${unknown.join(', ')}`);
  }
  const patch: WorkOrderPatch = { status: to, status_since: now };
  const checklist = await sopGate(tx, order, change, actor, now);
  if (checklist !== undefined) patch.checklist = checklist;
  const visits: ReturnVisitDto[] = [];
  let returnVisitDueAt: number | null = null;
  let stepDoneAt: number | undefined;
  const extra: Record<string, unknown> = {};

  switch (change.action) {
    case 'dispatch': {
      const person = ctx.directory.person(change.assigneeId);
      if (person === undefined) throw new ServiceError('VALIDATION', `assigneeId: no person "${change.assigneeId}" at this site`);
      Object.assign(patch, { department: change.department, assignee_id: person.id, dispatched_at: now, appointment_at: change.appointmentAt ?? null });
      if (order.status !== 'created' && order.status !== 'reopened') extra['reassignedFrom'] = { department: order.department, assigneeId: order.assignee_id };
      break;
    }
    case 'arrive':
      if (change.promisedAt !== undefined) patch.promised_at = change.promisedAt;
      break;
    case 'resolve':
      patch.resolution = { note: change.note, materials: change.materials, costYuan: change.costYuan ?? null, completedAt: change.completedAt ?? null };
      if (change.repairKind !== undefined) patch.repair_kind = change.repairKind;
      stepDoneAt = change.completedAt;
      extra['reportedBackOnTime'] = reportedBackOnTime(Math.min(change.completedAt ?? now, now), now, order.department, ctx.policy.timeStandards);
      break;
    case 'feedBack': {
      const plan = planReturnVisit(
        {
          category: order.category,
          repairKind: patch.repair_kind ?? order.repair_kind,
          majorComplaint: order.major_complaint,
          rework: order.reopen_count > 0,
          fedBackAt: now,
        },
        ctx.policy,
        ctx.site.timezone,
      );
      const visitId = await returnVisitsRepository.insert(tx, order.id, order.site_id, plan, now);
      returnVisitDueAt = plan.dueAt;
      extra['returnVisit'] = { id: visitId, rule: plan.rule, method: plan.method, scheduledAt: plan.scheduledAt, dueAt: plan.dueAt };
      break;
    }
    case 'returnVisit': {
      const visit = await returnVisitsRepository.openFor(tx, order.id);
      // Issue 23: a visit before its window is kept as early, with the reason, and counted apart in the report.
      if (visit !== undefined && isEarlyVisit(visit, now, ctx.site.timezone)) {
        if (change.earlyReason === undefined)
          throw new ServiceError(
            'VALIDATION',
            `earlyReason: this ${visit.rule} return visit is early (${visit.scheduledAt === null ? 'waiting for heavy rain' : 'before its day'}); say why it is made now`,
          );
        extra['early'] = true;
      }
      if (visit !== undefined) await returnVisitsRepository.complete(tx, visit.id, change.satisfaction, actor.displayName, now);
      extra['returnVisitId'] = visit?.id ?? null;
      break;
    }
    case 'cancel':
    case 'falseAlarm':
    case 'autoClose':
    case 'reopen':
      patch.reason = change.reason;
      break;
    default:
      break;
  }
  if (to === 'reopened') patch.reopen_count = order.reopen_count + 1;
  if (!isOpenStatus(to)) patch.closed_at = now;
  if (to === 'reopened' || !isOpenStatus(to)) await returnVisitsRepository.supersedeOpen(tx, order.id);

  const clock = await clockPatch(tx, ctx, order, patch, now, { returnVisitDueAt, stepDoneAt: stepDoneAt ?? now });
  const updated = await writeOrder(tx, order, { ...patch, ...clock }, now);
  const idempotencyKey = 'idempotencyKey' in change ? change.idempotencyKey : undefined;
  await historyRepository.addEvent(tx, {
    workOrderId: order.id,
    at: now,
    actor: actor.displayName,
    action: change.action,
    from: order.status,
    to,
    payload: { ...payloadOf(change), ...extra },
    idempotencyKey,
  });
  await audit(tx, {
    actor: actor.username,
    action: `work-order.${change.action}`,
    subjectType: 'work-order',
    subjectId: order.id,
    detail: { siteId: order.site_id, from: order.status, to, ...payloadOf(change), ...extra },
    at: now,
  });
  for (const v of await returnVisitsRepository.forOrder(tx, order.id)) visits.push(v);

  // 回访: satisfaction recorded; a dissatisfied owner reopens the order, a satisfied one closes it.
  if (change.action === 'returnVisit') {
    const follow: Change =
      change.satisfaction === 'dissatisfied'
        ? { action: 'reopen', reason: 'owner not satisfied at the return visit (回访不满意)' }
        : { action: 'close', note: `return visit: ${change.satisfaction}` };
    const next = await applyChange(tx, ctx, updated, follow, actor);
    return { order: next.order, returnVisits: next.returnVisits };
  }
  return { order: updated, returnVisits: visits };
}
