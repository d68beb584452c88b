import { scheduleAfterRain, type UserDto } from '@dutyroom/domain';
import { audit } from '../repositories/audit.repository.ts';
import { returnVisitsRepository } from '../repositories/return-visits.repository.ts';
import { historyRepository } from '../repositories/work-order-history.repository.ts';
import { workOrdersRepository } from '../repositories/work-orders.repository.ts';
import { requireSiteAccess } from './access.ts';
import { ServiceError } from './errors.ts';
import { writeOrder } from './work-order-changes.ts';
import { actorOf, dtoOf, type WorkOrdersContext } from './work-orders.context.ts';

/** 回访: the list to work through, and the heavy rain that schedules the leak visits. */
export function createReturnVisitsService(ctx: WorkOrdersContext) {
  const { db, site, now } = ctx;
  return {
    async list(
      user: UserDto | undefined,
      q: { status?: ('pending' | 'waiting-for-rain' | 'done' | 'superseded')[] | undefined; dueBefore?: number | undefined; limit: number; offset: number },
    ) {
      requireSiteAccess(user, site.siteId);
      const page = await returnVisitsRepository.list(db, site.siteId, q);
      return { ...page, limit: q.limit, offset: q.offset };
    },

    /**
     * 回访规程: leaks through slab, window or wall are visited on site after the next heavy rain.
     * An operator records the rain; every visit of the site waiting for it is scheduled, and its
     * order's return-visit clock starts.
     */
    async heavyRain(user: UserDto | undefined, request: { occurredAt?: number | undefined; note?: string | undefined }) {
      const actor = actorOf(requireSiteAccess(user, site.siteId));
      const t = now();
      const occurredAt = request.occurredAt ?? t;
      if (occurredAt > t + 60_000) throw new ServiceError('VALIDATION', 'occurredAt: heavy rain cannot be recorded in the future');
      const result = await db.transaction(async (tx) => {
        const eventId = await returnVisitsRepository.recordHeavyRain(tx, site.siteId, occurredAt, actor.username, request.note ?? null);
        await audit(tx, {
          actor: actor.username,
          action: 'site.heavy-rain',
          subjectType: 'site',
          subjectId: site.siteId,
          detail: { siteId: site.siteId, occurredAt },
        });
        const waiting = await returnVisitsRepository.lockWaitingForRain(tx, site.siteId);
        const { scheduledAt, dueAt } = scheduleAfterRain(occurredAt, ctx.policy, site.timezone);
        const orders = [];
        for (const visit of waiting) {
          await returnVisitsRepository.schedule(tx, visit.id, scheduledAt, dueAt);
          const order = await workOrdersRepository.lock(tx, visit.workOrderId);
          if (order === undefined || order.status !== 'fed-back' || order.step_id !== null) continue;
          const stepId = await historyRepository.openStep(tx, {
            workOrderId: order.id,
            siteId: order.site_id,
            step: 'return-visit',
            department: order.department,
            assigneeId: order.assignee_id,
            startedAt: t,
            dueAt,
          });
          const warnAt = t + Math.floor((dueAt - t) * ctx.policy.escalation.warnAtFraction);
          const updated = await writeOrder(
            tx,
            order,
            { step: 'return-visit', step_id: stepId, due_at: dueAt, warn_at: warnAt, warned: false, escalation_count: 0, next_escalation_at: dueAt },
            t,
          );
          await historyRepository.addEvent(tx, {
            workOrderId: order.id,
            at: t,
            actor: actor.displayName,
            action: 'heavy-rain',
            payload: { occurredAt, scheduledAt, dueAt },
          });
          orders.push(updated);
        }
        const visits = await Promise.all(waiting.map((v) => returnVisitsRepository.find(tx, v.id)));
        return { eventId, orders, visits: visits.filter((v) => v !== undefined) };
      });
      for (const o of result.orders) ctx.broadcast.workOrder(dtoOf(ctx, o));
      for (const v of result.visits) ctx.broadcast.returnVisit(v);
      return { id: result.eventId, occurredAt, scheduled: result.visits };
    },
  };
}

export type ReturnVisitsService = ReturnType<typeof createReturnVisitsService>;
