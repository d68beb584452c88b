import { z } from 'zod';
import type { StewardService } from '../services/steward.service.ts';
import type { Router } from './router.ts';

/** The steward phone view's data: my grid now, and a unit owner's contact (masked unless the role calls owners). */
export function stewardRoutes(router: Router, deps: { steward: StewardService }): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/steward/overview',
      permission: 'workOrders:read',
      summary: 'My grid’s open anomalies and orders, my duty status and covered grids',
      tag: 'steward',
    },
    async ({ user }) => deps.steward.overview(user),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/units/:id/owner',
      permission: 'workOrders:read',
      summary: 'The owner’s contact for a unit in one’s scope',
      tag: 'steward',
      params: z.strictObject({ id: z.string().regex(/^[\w.-]{1,64}$/, 'a unit id') }),
      response: z.object({ unitId: z.string(), name: z.string().nullable(), phone: z.string().nullable(), masked: z.boolean() }),
    },
    async ({ user, params }) => deps.steward.owner(user, params.id),
  );
}
