import { anomalyDtoSchema } from '@dutyroom/domain';
import { z } from 'zod';
import type { IncidentsService } from '../services/incidents.service.ts';
import type { Router } from './router.ts';

const anomalyIdParams = z.strictObject({ id: z.string().regex(/^\d{1,18}$/, 'an anomaly id') });
export const splitRequestSchema = z.strictObject({
  /** Why the operator takes this member out (kept in the audit log). */
  reason: z.string().trim().max(500, 'at most 500 characters').optional(),
});

/** Incidents (issue 14): the members of an incident's card, and splitting one out into its own work order. */
export function incidentRoutes(router: Router, deps: { incidents: () => IncidentsService }): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/anomalies/:id/members',
      permission: 'workOrders:read',
      summary: "An incident's member anomalies, newest first (the first 500; `total` counts them all)",
      tag: 'board',
      params: anomalyIdParams,
      response: z.object({ items: z.array(anomalyDtoSchema), total: z.number().int() }),
    },
    async ({ user, params }) => deps.incidents().members(user, params.id),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/anomalies/:id/split',
      permission: 'workOrders:dispatch',
      summary: 'Split a member out of its open incident (拆分为独立工单): it stands alone and gets its own work order',
      tag: 'board',
      params: anomalyIdParams,
      body: splitRequestSchema,
      response: z.object({ anomaly: anomalyDtoSchema }),
    },
    async ({ user, params, body }) => ({ anomaly: await deps.incidents().split(user, params.id, body.reason === '' ? undefined : body.reason) }),
  );
}
