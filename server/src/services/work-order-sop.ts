import { blockingItems, type ChecklistEntry, recordTick, sopStageOf, waiveBlocking } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { historyRepository } from '../repositories/work-order-history.repository.ts';
import type { WorkOrderRecord } from '../repositories/work-orders.repository.ts';
import { SopIncompleteError } from './errors.ts';
import type { Change } from './work-order-changes.ts';
import type { Actor } from './work-orders.context.ts';

/**
 * Issue 23: the SOP gate of a lifecycle change. Refuses a resolve or a close whose owed items are
 * open (SOP_INCOMPLETE), unless the change records an exception: then the items are waived with
 * the reason, on the order, its timeline and the audit log. At resolve the resolve note becomes
 * the record item. Returns the checklist the order carries after the change (undefined: unchanged).
 */
export async function sopGate(tx: Queryable, order: WorkOrderRecord, change: Change, actor: Actor, now: number): Promise<ChecklistEntry[] | undefined> {
  const stage = sopStageOf(change.action, 'satisfaction' in change ? change.satisfaction : undefined);
  if (stage === undefined || order.checklist.length === 0) return undefined;
  const blocking = blockingItems({ rule: order.rule, checklist: order.checklist }, stage);
  let checklist: ChecklistEntry[] | undefined;
  if (blocking.length > 0) {
    const exception = 'sopException' in change ? change.sopException : undefined;
    if (exception === undefined) throw new SopIncompleteError(stage, blocking);
    checklist = waiveBlocking({ rule: order.rule, checklist: order.checklist }, stage, { reason: exception.reason, by: actor.displayName, at: now });
    const items = blocking.map(({ id, zh, en, missing }) => ({ id, zh, en, missing }));
    await historyRepository.addEvent(tx, {
      workOrderId: order.id,
      at: now,
      actor: actor.displayName,
      action: 'sop-exception',
      payload: { stage, reason: exception.reason, items },
    });
    await audit(tx, {
      actor: actor.username,
      action: 'work-order.sop-exception',
      subjectType: 'work-order',
      subjectId: order.id,
      detail: { siteId: order.site_id, stage, reason: exception.reason, itemIds: items.map((i) => i.id) },
      at: now,
    });
  }
  if (change.action === 'resolve') checklist = recordTick(checklist ?? order.checklist, change.note, actor.displayName, now);
  return checklist;
}
