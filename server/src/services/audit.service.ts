import type { UserDto } from '@dutyroom/domain';
import { type AuditFilter, listAudit } from '../repositories/audit.repository.ts';
import { requireSiteAccess } from './access.ts';
import type { WorkOrdersContext } from './work-orders.context.ts';

/** The append-only audit log, read back with filters (newest first). */
export function createAuditService(ctx: Pick<WorkOrdersContext, 'db' | 'site'>) {
  return {
    async list(user: UserDto | undefined, filter: AuditFilter) {
      requireSiteAccess(user, ctx.site.siteId);
      const page = await listAudit(ctx.db, ctx.site.siteId, filter);
      return { ...page, limit: filter.limit, offset: filter.offset };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
