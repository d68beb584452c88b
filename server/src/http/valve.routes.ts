import { valveCommandDtoSchema, valveCommandRequestSchema } from '@dutyroom/domain';
import { z } from 'zod';
import type { ValveService } from '../services/valve.service.ts';
import type { Router } from './router.ts';

const unitParams = z.strictObject({ unitId: z.string().regex(/^[\w.-]{1,64}$/, 'a unit id such as 3-1-1202') });

/** 关阀: remote valve commands of a unit's water meter, confirmed by the operator and audited. */
export function valveRoutes(router: Router, deps: { valves: () => ValveService }): void {
  router.route(
    {
      method: 'POST',
      url: '/api/v1/site/units/:unitId/valve',
      permission: 'valve:command',
      summary: "Close (or open) the unit's water valve remotely; `confirm: true` is required",
      tag: 'site',
      params: unitParams,
      body: valveCommandRequestSchema,
      response: z.object({ command: valveCommandDtoSchema }),
    },
    async ({ user, params, body }) => ({ command: await deps.valves().command(user, params.unitId, body) }),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/site/units/:unitId/valve',
      permission: 'valve:command',
      summary: "The unit's latest valve commands",
      tag: 'site',
      params: unitParams,
      response: z.object({ items: z.array(valveCommandDtoSchema) }),
    },
    async ({ user, params }) => ({ items: await deps.valves().history(user, params.unitId) }),
  );
}
