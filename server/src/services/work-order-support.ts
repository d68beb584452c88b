import { applySopSettings, type ChecklistEntry, checklistFor, isOpenStatus, nextStatus, type TransitionRequest } from '@dutyroom/domain';
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
    const items = checklistFor(rule, { keyHeld: unit?.keyHeld ?? false, hasValve: unit !== undefined && ctx.unitsWithValve.has(unit.id), ownerReachable });
    // Issue 23: the site's SOP gate settings (a revision of its document) over the defaults.
    return applySopSettings(items, rule, ctx.policy.sopGates);
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

  /**
   * Merges duplicates into `id` inside `tx`: each is cancelled with a pointer to the order that goes
   * on, whose anomaly count takes theirs. The merge-duplicates action and the incident's take-over
   * of its members' orders both come here.
   */
  async function mergeInto(tx: Queryable, id: string, duplicateIds: readonly string[], actor: Actor): Promise<ChangeResult[]> {
    // Lock in id order so two merges of overlapping orders cannot deadlock.
    const ids = [...new Set([id, ...duplicateIds])].sort((a, b) => Number(a) - Number(b));
    const locked = new Map<string, WorkOrderRecord>();
    for (const each of ids) locked.set(each, await lockOrder(tx, each));
    const target = locked.get(id);
    if (target === undefined || !isOpenStatus(target.status))
      throw new ServiceError('WO_INVALID_TRANSITION', `work order ${id} is finished; merge into an open order`);
    const changed: ChangeResult[] = [];
    for (const dupId of duplicateIds) {
      const dup = locked.get(dupId);
      if (dup === undefined) continue;
      nextStatus(dup.status, 'cancel');
      const cancelled = await applyChange(tx, ctx, dup, { action: 'cancel', reason: `duplicate of work order ${id} (合并)` }, actor);
      changed.push({ order: await writeOrder(tx, cancelled.order, { merged_into: id }, ctx.now()), returnVisits: [] });
    }
    const t = ctx.now();
    const merged = await writeOrder(tx, target, { anomaly_count: target.anomaly_count + changed.reduce((n, c) => n + c.order.anomaly_count, 0) }, t);
    await historyRepository.addEvent(tx, { workOrderId: id, at: t, actor: actor.displayName, action: 'merge', payload: { duplicateIds } });
    await audit(tx, {
      actor: actor.username,
      action: 'work-order.merge',
      subjectType: 'work-order',
      subjectId: id,
      detail: { siteId: site.siteId, duplicateIds },
    });
    return [...changed, { order: merged, returnVisits: [] }];
  }

  return { publish, lockOrder, open, checklist, refollow, ownerOf, mergeInto };
}

export type WorkOrderSupport = ReturnType<typeof workOrderSupport>;
