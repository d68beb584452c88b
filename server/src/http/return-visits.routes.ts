import { heavyRainRequestSchema, page, returnVisitDtoSchema, returnVisitListQuerySchema } from '@dutyroom/domain';
import { z } from 'zod';
import type { ReturnVisitsService } from '../services/return-visits.service.ts';
import type { Router } from './router.ts';

/** 回访 lists and the heavy rain that schedules leak visits. */
export function returnVisitRoutes(router: Router, deps: { returnVisits: () => ReturnVisitsService }): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/return-visits',
      permission: 'workOrders:followUp',
      summary: 'Return visits, soonest due first',
      tag: 'return-visits',
      query: returnVisitListQuerySchema,
      response: page(returnVisitDtoSchema),
    },
    async ({ user, query }) => deps.returnVisits().list(user, query),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/heavy-rain',
      permission: 'workOrders:followUp',
      summary: 'Record that heavy rain occurred: schedules every leak visit waiting for it',
      tag: 'return-visits',
      body: heavyRainRequestSchema,
      response: z.object({ id: z.string(), occurredAt: z.number(), scheduled: z.array(returnVisitDtoSchema) }),
    },
    async ({ user, body, reply }) => {
      reply.status(201);
      return deps.returnVisits().heavyRain(user, body);
    },
  );
}
