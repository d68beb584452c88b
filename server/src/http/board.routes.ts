import { boardSnapshotSchema } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import type { WorkOrdersService } from '../services/work-orders.service.ts';
import type { Router } from './router.ts';

/** The control-room board snapshot (dead letters: dead-letters.routes.ts). */
export function boardRoutes(router: Router, deps: { db: Db; siteId: string; workOrders: () => WorkOrdersService }): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/board',
      permission: 'workOrders:read',
      summary: 'Open anomalies and open work orders of the site (then follow socket.io deltas)',
      tag: 'board',
      response: boardSnapshotSchema,
    },
    async ({ user }) => deps.workOrders().board(user),
  );
}
