import { type AnomalyDto, type BoardSnapshot, checklistFor, type SiteIndex, type UserDto, type WorkOrderDto } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import { anomaliesRepository } from '../repositories/anomalies.repository.ts';
import { audit } from '../repositories/audit.repository.ts';
import { workOrdersRepository } from '../repositories/work-orders.repository.ts';
import { requireSiteAccess } from './access.ts';
import { ServiceError } from './errors.ts';

/** Where committed changes go: socket.io rooms (and, later, pushes). */
export interface Broadcast {
  anomaly(anomaly: AnomalyDto): void;
  workOrder(workOrder: WorkOrderDto): void;
}

export interface WorkOrdersDeps {
  readonly db: Db;
  readonly site: SiteIndex;
  readonly broadcast: Broadcast;
  readonly now: () => number;
  readonly log: Logger;
  /** Units whose water meter has a remotely controlled valve. */
  readonly unitsWithValve: ReadonlySet<string>;
}

export function createWorkOrdersService(deps: WorkOrdersDeps) {
  const { db, site, broadcast, now, log } = deps;

  return {
    /**
     * An anomaly was stored by the ingest: open its work order (once per anomaly episode, even
     * when the event arrives twice or from two server processes) and tell the consoles.
     */
    async onAnomaly(anomalyId: string): Promise<void> {
      const anomaly = await anomaliesRepository.find(db, anomalyId);
      if (anomaly === undefined) {
        log.warn({ anomalyId }, 'anomaly event for an anomaly not in the database');
        return;
      }
      broadcast.anomaly(anomaly);
      if (anomaly.status !== 'open') return;
      const unit = anomaly.unitId === null ? undefined : site.unit(anomaly.unitId);
      const gridId = unit?.gridId ?? null;
      const assigneeId = gridId === null ? null : (site.stewardOf(gridId) ?? null);
      const created = await db.transaction(async (tx) => {
        const order = await workOrdersRepository.insertForAnomaly(tx, {
          anomaly,
          gridId,
          assigneeId,
          // 物业跟随制: an automatic order goes straight to the grid's steward.
          status: assigneeId === null ? 'created' : 'dispatched',
          checklist: checklistFor(anomaly.rule, { keyHeld: unit?.keyHeld ?? false, hasValve: unit !== undefined && deps.unitsWithValve.has(unit.id) }),
          now: now(),
        });
        if (order) {
          await audit(tx, { actor: 'system', action: 'work-order.opened', subjectType: 'work-order', subjectId: order.id, detail: { anomalyId, assigneeId } });
        }
        return order;
      });
      if (created) {
        log.info({ workOrderId: created.id, anomalyId, assigneeId }, 'work order opened');
        broadcast.workOrder(created);
      }
    },

    async board(user: UserDto | undefined): Promise<BoardSnapshot> {
      requireSiteAccess(user, site.siteId);
      const [anomalies, workOrders] = await Promise.all([anomaliesRepository.listOpen(db, site.siteId), workOrdersRepository.listOpen(db, site.siteId)]);
      return { anomalies, workOrders };
    },

    /** 确认: the control room has seen the order. Idempotent: a second acknowledgement changes nothing. */
    async acknowledge(user: UserDto | undefined, id: string): Promise<WorkOrderDto> {
      const actor = requireSiteAccess(user, site.siteId);
      const result = await db.transaction(async (tx) => {
        const order = await workOrdersRepository.find(tx, id);
        if (order === undefined || order.siteId !== site.siteId) throw new ServiceError('NOT_FOUND', `no work order ${id}`);
        const changed = await workOrdersRepository.acknowledge(tx, id, actor.displayName, now());
        if (changed) await audit(tx, { actor: actor.username, action: 'work-order.acknowledged', subjectType: 'work-order', subjectId: id });
        return { changed, order: changed ? await workOrdersRepository.find(tx, id) : order };
      });
      if (result.order === undefined) throw new ServiceError('NOT_FOUND', `no work order ${id}`);
      if (result.changed) broadcast.workOrder(result.order);
      return result.order;
    },
  };
}

export type WorkOrdersService = ReturnType<typeof createWorkOrdersService>;
