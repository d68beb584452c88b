import {
  decideClock,
  type EscalationEvent,
  escalationChain,
  isOpenStatus,
  nextEscalationAt,
  progressOwed,
  targetOf,
  type UserDto,
  type WorkOrderDto,
} from '@dutyroom/domain';
import { audit } from '../repositories/audit.repository.ts';
import { historyRepository } from '../repositories/work-order-history.repository.ts';
import { type WorkOrderPatch, type WorkOrderRecord, workOrdersRepository } from '../repositories/work-orders.repository.ts';
import { requireOrderAccess } from './access.ts';
import { ServiceError } from './errors.ts';
import { writeOrder } from './work-order-changes.ts';
import { actorOf, dtoOf, type WorkOrdersContext } from './work-orders.context.ts';

export interface TickOutcome {
  readonly warnings: number;
  readonly escalations: number;
  readonly progressReminders: number;
}

/**
 * The SLA clocks of open orders (SPEC §6): warn before a breach, escalate on it, re-escalate
 * while nothing happens, and raise the 24-hour progress reminder. The due times are rows, so a
 * restart loses nothing; each order is handled under `for update skip locked` and written with a
 * compare-and-set on its version, so with two server processes each warning and escalation
 * fires once.
 */
export function createWorkOrderClocks(ctx: WorkOrdersContext) {
  const { db, site, policy, directory } = ctx;

  const eventOf = (
    order: WorkOrderRecord,
    now: number,
    kind: EscalationEvent['kind'],
    count: number,
    level: number,
    role: EscalationEvent['role'],
    personId: string,
  ): EscalationEvent => ({
    siteId: order.site_id,
    workOrderId: order.id,
    kind,
    level,
    count,
    role,
    personId,
    personName: directory.nameOf(personId),
    step: order.step ?? 'dispatch',
    dueAt: order.due_at ?? now,
    at: now,
    severity: order.severity,
    title: { zh: order.title_zh, en: order.title_en },
    drill: order.drill,
  });

  async function handle(id: string, now: number): Promise<{ order: WorkOrderRecord; events: EscalationEvent[]; progress: boolean } | undefined> {
    return db.transaction(async (tx) => {
      const order = await workOrdersRepository.lockUnlessBusy(tx, id);
      // Another process holds it (and will handle it), or it is gone.
      if (order === undefined) return undefined;
      const decision = decideClock(
        { severity: order.severity, dueAt: order.due_at, warnAt: order.warn_at, warned: order.warned, escalationCount: order.escalation_count },
        now,
        policy,
      );
      const patch: WorkOrderPatch = {};
      const events: EscalationEvent[] = [];
      const event = (kind: EscalationEvent['kind'], count: number, level: number, role: EscalationEvent['role'], personId: string) =>
        eventOf(order, now, kind, count, level, role, personId);
      if (decision.warn && order.step_id !== null) {
        patch.warned = true;
        const to = order.assignee_id;
        if (
          to !== null &&
          (await historyRepository.addEscalation(tx, {
            workOrderId: order.id,
            stepId: order.step_id,
            kind: 'warning',
            count: 0,
            level: 0,
            role: 'assignee',
            personId: to,
            at: now,
          }))
        )
          events.push(event('warning', 0, 0, 'assignee', to));
      }
      if (decision.escalateTo !== undefined && order.step_id !== null) {
        const count = decision.escalateTo;
        Object.assign(patch, {
          warned: true,
          escalation_count: count,
          next_escalation_at: nextEscalationAt({ dueAt: order.due_at, severity: order.severity }, count, policy) ?? null,
        });
        const target = targetOf(count, escalationChain(directory.escalationPeople(order.assignee_id, order.department), policy));
        if (
          target !== undefined &&
          (await historyRepository.addEscalation(tx, {
            workOrderId: order.id,
            stepId: order.step_id,
            kind: 'escalation',
            count,
            level: target.level,
            role: target.role,
            personId: target.personId,
            at: now,
          }))
        )
          events.push(event('escalation', count, target.level, target.role, target.personId));
      }
      const progress = order.progress_due_at !== null && !order.progress_overdue && order.progress_due_at <= now && progressOwed(order.status);
      if (progress) patch.progress_overdue = true;
      if (Object.keys(patch).length === 0) return undefined;
      const updated = await writeOrder(tx, order, patch, now);
      for (const e of events) {
        const action = e.kind === 'warning' ? 'sla-warning' : 'escalated';
        await historyRepository.addEvent(tx, {
          workOrderId: order.id,
          at: now,
          actor: '系统',
          action,
          payload: { level: e.level, role: e.role, personId: e.personId, step: e.step, dueAt: e.dueAt },
        });
        await audit(tx, { actor: 'system', action: `work-order.${action}`, subjectType: 'work-order', subjectId: order.id, detail: { ...e }, at: now });
      }
      if (progress) await historyRepository.addEvent(tx, { workOrderId: order.id, at: now, actor: '系统', action: 'progress-update-due' });
      return { order: updated, events, progress };
    });
  }

  const announce = (order: WorkOrderRecord, events: readonly EscalationEvent[]) => {
    // Persist, then publish: only the process whose commit recorded the event announces it.
    ctx.broadcast.workOrder(dtoOf(ctx, order));
    for (const e of events) {
      ctx.broadcast.escalation(e);
      ctx.escalations.publish(e);
    }
  };

  return {
    /**
     * 升级 by hand: the control room does not wait for the breach and calls the next person of the
     * chain now (assignee → on-duty steward → supervisor → manager). It takes the next escalation
     * count, so the clock's own escalation at that count does not fire a second time.
     */
    async escalateByHand(user: UserDto | undefined, id: string, note: string | undefined): Promise<WorkOrderDto> {
      const actor = actorOf(await requireOrderAccess(ctx.scope, user, 'workOrders:dispatch', site.siteId, () => workOrdersRepository.find(db, id)));
      const now = ctx.now();
      const { order, event } = await db.transaction(async (tx) => {
        const locked = await workOrdersRepository.lock(tx, id);
        if (locked === undefined) throw new ServiceError('NOT_FOUND', `no work order ${id}`);
        if (!isOpenStatus(locked.status)) throw new ServiceError('WO_INVALID_TRANSITION', `work order ${id} is finished; there is nobody to escalate to`);
        const count = locked.escalation_count + 1;
        const target = targetOf(count, escalationChain(directory.escalationPeople(locked.assignee_id, locked.department), policy));
        if (target === undefined) throw new ServiceError('CONFLICT', 'nobody is left in the escalation chain of this order');
        const stepId = locked.step_id;
        if (stepId !== null)
          await historyRepository.addEscalation(tx, {
            workOrderId: locked.id,
            stepId,
            kind: 'escalation',
            count,
            level: target.level,
            role: target.role,
            personId: target.personId,
            at: now,
          });
        const updated = await writeOrder(
          tx,
          locked,
          {
            escalation_count: count,
            next_escalation_at: nextEscalationAt({ dueAt: locked.due_at, severity: locked.severity }, count, policy) ?? null,
          },
          now,
        );
        const e = eventOf(locked, now, 'escalation', count, target.level, target.role, target.personId);
        await historyRepository.addEvent(tx, {
          workOrderId: locked.id,
          at: now,
          actor: actor.displayName,
          action: 'escalated',
          payload: { level: e.level, role: e.role, personId: e.personId, step: e.step, byHand: true, ...(note === undefined ? {} : { note }) },
        });
        await audit(tx, {
          actor: actor.username,
          action: 'work-order.escalated-by-hand',
          subjectType: 'work-order',
          subjectId: locked.id,
          detail: { ...e, siteId: site.siteId, ...(note === undefined ? {} : { note }) },
          at: now,
        });
        return { order: updated, event: e };
      });
      announce(order, [event]);
      return dtoOf(ctx, order);
    },

    /** One pass over the orders whose clocks are due; safe to run in every server process at once. */
    async tick(): Promise<TickOutcome> {
      const now = ctx.now();
      let warnings = 0;
      let escalations = 0;
      let progressReminders = 0;
      for (const id of await workOrdersRepository.dueClocks(db, site.siteId, now, 200)) {
        const result = await handle(id, now);
        if (result === undefined) continue;
        announce(result.order, result.events);
        for (const e of result.events) {
          if (e.kind === 'warning') warnings++;
          else escalations++;
        }
        if (result.progress) progressReminders++;
      }
      return { warnings, escalations, progressReminders };
    },
  };
}

export type WorkOrderClocks = ReturnType<typeof createWorkOrderClocks>;
