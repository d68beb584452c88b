import {
  type AnomalyDto,
  type Department,
  type DispatchDecision,
  decideDispatch,
  dispatchRuleOf,
  INCIDENT_RULE,
  isOpenStatus,
  ruleTitles,
} from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';
import { anomaliesRepository } from '../repositories/anomalies.repository.ts';
import { dispatchRepository } from '../repositories/dispatch.repository.ts';
import { workOrdersRepository } from '../repositories/work-orders.repository.ts';
import { applyChange, type ChangeResult, writeOrder } from './work-order-changes.ts';
import type { WorkOrderSupport } from './work-order-support.ts';
import { SYSTEM_ACTOR, type WorkOrdersContext } from './work-orders.context.ts';

/** What `onAnomaly` did about dispatch: `dueAt` when the anomaly is held (the follower wakes then). */
export interface DispatchOutcome {
  readonly decision: DispatchDecision | undefined;
}

/**
 * The anomaly follower's side of work orders (issue 14, severity decides dispatch): an anomaly
 * opens its order when its rule's policy says so (at once, after a hold if still open, never); a
 * member of an incident has none of its own; an incident has exactly one, which takes over any
 * order a member had before the incident formed; a clear closes an untouched order.
 */
export function createAnomalyDispatch(ctx: WorkOrdersContext, support: WorkOrderSupport) {
  const { db, site, now, log } = ctx;
  const { publish, lockOrder, open, checklist, ownerOf, mergeInto } = support;

  /** The decision for an anomaly that has no order yet, with the live site's dispatch settings. */
  async function decide(anomaly: AnomalyDto, tx: Queryable = db): Promise<DispatchDecision> {
    const splitAt = anomaly.incidentId === null ? null : await dispatchRepository.splitAt(tx, anomaly.id);
    return decideDispatch({ ...anomaly, splitAt }, ctx.policy.dispatch, now());
  }

  /** Grid of an incident's scope (`building:<id>`, `gateway:<id>`); the site as a whole has none. */
  function gridOfScope(scope: unknown): string | null {
    if (typeof scope !== 'string') return null;
    const [kind, id = ''] = scope.split(':');
    if (kind === 'building') return ctx.siteFile.buildings.find((b) => b.id === id)?.grid ?? null;
    if (kind === 'gateway') return site.device(id)?.gridId ?? null;
    return null;
  }

  async function openFor(tx: Queryable, anomaly: AnomalyDto): Promise<ChangeResult | undefined> {
    const incident = anomaly.rule === INCIDENT_RULE;
    const rule = dispatchRuleOf(anomaly);
    const unit = anomaly.unitId === null ? undefined : site.unit(anomaly.unitId);
    const gridId = incident ? gridOfScope(anomaly.evidence['scope']) : (unit?.gridId ?? site.device(anomaly.deviceId ?? '')?.gridId ?? null);
    const department: Department = ctx.policy.ruleDepartments[rule] ?? ctx.policy.defaultDepartment;
    const assigneeId = ctx.directory.assigneeFor(department, gridId);
    const members = Number(anomaly.evidence['members'] ?? 0);
    const memberTitle = ruleTitles[rule] ?? { zh: rule, en: rule };
    return open(
      tx,
      {
        siteId: anomaly.siteId,
        anomalyId: anomaly.id,
        source: 'anomaly',
        rule: anomaly.rule,
        title: incident ? { zh: `关联事件：${memberTitle.zh} ×${members}`, en: `Incident: ${memberTitle.en} ×${members}` } : anomaly.title,
        unitId: anomaly.unitId,
        severity: anomaly.severity,
        gridId,
        checklist: checklist(anomaly.rule, anomaly.unitId),
        category: null,
        channel: null,
        description: null,
        owner: ownerOf(anomaly.unitId),
        repairKind: null,
        majorComplaint: false,
        anomalyCount: anomaly.count,
        drill: anomaly.drill,
        now: now(),
      },
      SYSTEM_ACTOR,
      // 物业跟随制: an automatic order goes straight to the grid's steward (or the rule's department).
      assigneeId === null ? undefined : { action: 'dispatch', department, assigneeId },
      incident ? { anomalyId: anomaly.id, rule: anomaly.rule, memberRule: rule, members } : { anomalyId: anomaly.id, rule: anomaly.rule },
    );
  }

  /** Orders members had before their incident formed go into the incident's one order (合并). */
  async function mergeMembersInto(incidentId: string): Promise<void> {
    const target = await workOrdersRepository.findByAnomaly(db, incidentId);
    if (target === undefined || !isOpenStatus(target.status)) return;
    const members = await dispatchRepository.memberOrdersToMerge(db, incidentId);
    if (members.length === 0) return;
    const results = await db.transaction((tx) => mergeInto(tx, target.id, members, SYSTEM_ACTOR));
    log.info({ workOrderId: target.id, incidentId, merged: members }, 'member orders merged into the incident order');
    for (const r of results) publish(r);
  }

  return {
    decide,
    async onAnomaly(anomalyId: string, hint: { clearClosesWorkOrder?: boolean | undefined } = {}): Promise<DispatchOutcome> {
      const anomaly = await anomaliesRepository.find(db, anomalyId);
      if (anomaly === undefined) {
        log.warn({ anomalyId }, 'anomaly event for an anomaly not in the database');
        return { decision: undefined };
      }
      ctx.broadcast.anomaly(anomaly);
      let decision: DispatchDecision | undefined;
      const result = await db.transaction(async (tx): Promise<ChangeResult | undefined> => {
        const existing = await workOrdersRepository.findByAnomaly(tx, anomalyId);
        if (existing !== undefined) {
          const order = await lockOrder(tx, existing.id);
          if (anomaly.status === 'cleared') {
            const closes = hint.clearClosesWorkOrder ?? anomaly.clearClosesWorkOrder ?? false;
            const untouched = order.status === 'created' || order.status === 'dispatched' || order.status === 'accepted';
            if (!closes || !untouched) return undefined;
            return applyChange(tx, ctx, order, { action: 'autoClose', reason: 'the anomaly cleared before anybody arrived' }, SYSTEM_ACTOR);
          }
          if (anomaly.count <= order.anomaly_count || !isOpenStatus(order.status)) return undefined;
          const updated = await writeOrder(tx, order, { anomaly_count: anomaly.count }, now());
          return { order: updated, returnVisits: [] };
        }
        decision = await decide(anomaly, tx);
        if (decision.kind !== 'now') return undefined;
        return openFor(tx, anomaly);
      });
      if (result) log.info({ workOrderId: result.order.id, anomalyId, status: result.order.status }, 'work order changed by its anomaly');
      publish(result);
      // An incident takes over its members' orders; a member that joined late goes into its incident's.
      if (anomaly.rule === INCIDENT_RULE) await mergeMembersInto(anomaly.id);
      else if (anomaly.incidentId !== null && anomaly.status === 'open') await mergeMembersInto(anomaly.incidentId);
      return { decision };
    },
  };
}
