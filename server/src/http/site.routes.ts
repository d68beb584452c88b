import { occupancyUpdateSchema } from '@dutyroom/domain';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type ConsoleRouteDeps, parseWith, userOf } from './console-parts.ts';

const unitParams = z.object({ unitId: z.string().regex(/^[\w.-]{1,64}$/, 'a unit id such as 3-1-1202') });

/** The site map (buildings → floors → units), one unit's detail, and occupancy editing. */
export const siteRoutes = (deps: ConsoleRouteDeps) => async (app: FastifyInstance) => {
  const { siteMap } = deps.consoleParts;
  app.get('/api/v1/site/map', async (request) => siteMap.map(await userOf(deps.auth, request)));
  app.get('/api/v1/site/setup', async (request) => deps.consoleParts.siteSetup.setup(await userOf(deps.auth, request)));
  app.get('/api/v1/site/units/:unitId', async (request) => {
    const { unitId } = parseWith(unitParams, request.params);
    return siteMap.unit(await userOf(deps.auth, request), unitId);
  });
  app.put('/api/v1/site/units/:unitId/occupancy', async (request) => {
    const { unitId } = parseWith(unitParams, request.params);
    const update = parseWith(occupancyUpdateSchema, request.body);
    return siteMap.updateOccupancy(await userOf(deps.auth, request), unitId, update);
  });
};
