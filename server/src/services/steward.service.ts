import { type AnomalyDto, gridOfAnomaly, ownerPhoneFor, type SiteIndex, type UserDto, type WorkOrderDto } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { anomaliesRepository } from '../repositories/anomalies.repository.ts';
import { type WorkOrderRecord, workOrdersRepository } from '../repositories/work-orders.repository.ts';
import { type GridScope, requirePermission } from './access.ts';
import { ServiceError } from './errors.ts';
import type { RosterService } from './roster.service.ts';

export interface StewardOverview {
  readonly personId: string | null;
  readonly onDuty: boolean;
  readonly coveredGrids: readonly string[];
  readonly anomalies: readonly AnomalyDto[];
  readonly workOrders: readonly WorkOrderDto[];
}

/**
 * The steward's phone (issue 6): my grid's open anomalies and orders, my duty status, and the
 * owner's contact for a unit in my grid (tel: link), masked for roles that do not call owners.
 */
export function createStewardService(deps: {
  db: Db;
  site: SiteIndex;
  scope: GridScope;
  roster: RosterService;
  toDto: (record: WorkOrderRecord) => WorkOrderDto;
}) {
  const { db, site, scope } = deps;
  return {
    async overview(user: UserDto | undefined): Promise<StewardOverview> {
      const u = requirePermission(user, 'workOrders:read', site.siteId);
      const [scoped, roster, anomalies, workOrders] = await Promise.all([
        scope.scopeOf(u),
        deps.roster.current(),
        anomaliesRepository.listOpen(db, site.siteId),
        workOrdersRepository.listOpen(db, site.siteId),
      ]);
      const visibleAnomalies = await scope.visible(
        u,
        anomalies.map((a) => ({ ...a, gridId: gridOfAnomaly(site, a) })),
      );
      return {
        personId: u.personId,
        onDuty: u.personId !== null && !roster.offDuty.has(u.personId),
        coveredGrids: scoped.coveredGrids,
        anomalies: visibleAnomalies.map(({ gridId: _gridId, ...a }) => a),
        workOrders: await scope.visible(u, workOrders.map(deps.toDto)),
      };
    },

    async owner(user: UserDto | undefined, unitId: string): Promise<{ unitId: string; name: string | null; phone: string | null; masked: boolean }> {
      const unit = site.unit(unitId);
      if (unit === undefined) throw new ServiceError('NOT_FOUND', `no unit ${unitId}`);
      const u = await scope.requireVisible(user, 'workOrders:read', { id: unitId, siteId: site.siteId, gridId: unit.gridId });
      const { rows } = await db.query<{ owner_name: string | null; owner_phone: string | null }>(
        'select owner_name, owner_phone from units where site_id = $1 and id = $2',
        [site.siteId, unitId],
      );
      const phone = rows[0]?.owner_phone ?? null;
      const shown = ownerPhoneFor(u.role, phone);
      return { unitId, name: rows[0]?.owner_name ?? null, phone: shown, masked: shown !== phone };
    },
  };
}

export type StewardService = ReturnType<typeof createStewardService>;
