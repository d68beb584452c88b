import { type ChecklistEntry, checklistFor, type TransitionRequest } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';
import { audit } from '../repositories/audit.repository.ts';
import { historyRepository } from '../repositories/work-order-history.repository.ts';
import { type NewWorkOrder, type WorkOrderRecord, workOrdersRepository } from '../repositories/work-orders.repository.ts';
import { ServiceError } from './errors.ts';
import { applyChange, type ChangeResult, clockPatch, writeOrder } from './work-order-changes.ts';
import { type Actor, dtoOf, type WorkOrdersContext } from './work-orders.context.ts';

/** What the work-order services share: publishing a committed change, locking, opening an order, checklists, owners. */
export function workOrderSupport(ctx: WorkOrdersContext) {
  const { site, broadcast } = ctx;

  const publish = (result: ChangeResult | undefined) => {
    if (result === undefined) return;
    broadcast.workOrder(dtoOf(ctx, result.order));
    for (const v of result.returnVisits) broadcast.returnVisit(v);
  };

  /** Loads and locks an order of this site, or NOT_FOUND. */
  async function lockOrder(tx: Queryable, id: string): Promise<WorkOrderRecord> {
    const order = await workOrdersRepository.lock(tx, id);
    if (order === undefined || order.site_id !== site.siteId) throw new ServiceError('NOT_FOUND', `no work order ${id}`);
    return order;
  }

  /** Inserts an order, starts its clock, and dispatches it when someone is known. Null when the anomaly has one already. */
  async function open(
    tx: Queryable,
    o: NewWorkOrder,
    actor: Actor,
    dispatch: TransitionRequest | undefined,
    detail: object,
  ): Promise<ChangeResult | undefined> {
    const id = await workOrdersRepository.insert(tx, o);
    if (id === undefined) return undefined;
    const fresh = await workOrdersRepository.find(tx, id);
    if (fresh === undefined) throw new Error(`work order ${id} vanished inside its transaction`);
    const started = await writeOrder(tx, fresh, await clockPatch(tx, ctx, fresh, {}, o.now), o.now);
    await historyRepository.addEvent(tx, { workOrderId: id, at: o.now, actor: actor.displayName, action: 'open', to: 'created', payload: detail });
    await audit(tx, {
      actor: actor.username,
      action: 'work-order.opened',
      subjectType: 'work-order',
      subjectId: id,
      detail: { siteId: o.siteId, ...detail },
      at: o.now,
    });
    return dispatch === undefined ? { order: started, returnVisits: [] } : applyChange(tx, ctx, started, dispatch, actor);
  }

  function checklist(rule: string, unitId: string | null, ownerReachable?: boolean): ChecklistEntry[] {
    const unit = unitId === null ? undefined : site.unit(unitId);
    return checklistFor(rule, { keyHeld: unit?.keyHeld ?? false, hasValve: unit !== undefined && ctx.unitsWithValve.has(unit.id), ownerReachable });
  }

  /** The rule's checklist for the facts as now known, keeping what was ticked; items no longer needed stay, marked not applicable. */
  function refollow(rule: string, unitId: string | null, current: readonly ChecklistEntry[], ownerReachable: boolean): ChecklistEntry[] {
    const template = checklist(rule, unitId, ownerReachable);
    const kept = new Map(current.map((i) => [i.id, i]));
    const next: ChecklistEntry[] = template.map((i) => {
      const { notApplicable: _n, ...was } = kept.get(i.id) ?? i;
      return { ...i, ...was, zh: i.zh, en: i.en };
    });
    for (const old of current) if (!template.some((i) => i.id === old.id)) next.push({ ...old, notApplicable: true });
    return next;
  }

  const ownerOf = (unitId: string | null) => {
    const owner = unitId === null ? undefined : ctx.siteFile.units.find((u) => u.id === unitId)?.owner;
    return owner === undefined ? null : { name: owner.name, phone: owner.phone };
  };

  return { publish, lockOrder, open, checklist, refollow, ownerOf };
}

export type WorkOrderSupport = ReturnType<typeof workOrderSupport>;
