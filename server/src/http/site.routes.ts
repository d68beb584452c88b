import { occupancyUpdateSchema, siteMapDtoSchema, siteSetupDtoSchema, unitDetailDtoSchema } from '@dutyroom/domain';
import { z } from 'zod';
import type { ConsoleRouteDeps } from './console-parts.ts';
import type { Router } from './router.ts';

const unitParams = z.object({ unitId: z.string().regex(/^[\w.-]{1,64}$/, 'a unit id such as 3-1-1202') });

/** The site map (buildings → floors → units), one unit's detail, occupancy editing, the site file's setup. */
export function siteRoutes(router: Router, deps: ConsoleRouteDeps): void {
  // Read at each request: a new revision of the site document replaces these services.
  const siteMap = () => deps.consoleParts.siteMap;
  const siteSetup = () => deps.consoleParts.siteSetup;
  router.route(
    {
      method: 'GET',
      url: '/api/v1/site/map',
      permission: 'site:read',
      summary: 'Buildings, floors and units with occupancy and open anomalies',
      tag: 'site',
      response: siteMapDtoSchema,
    },
    async ({ user }) => siteMap().map(user),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/site/setup',
      permission: 'site:setup',
      summary: "The site file's devices and their mapping, grids and roster, rule thresholds (read-only)",
      tag: 'site',
      response: siteSetupDtoSchema,
    },
    async ({ user }) => siteSetup().setup(user),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/site/units/:unitId',
      permission: 'site:read',
      summary: 'One unit: occupancy, owner (masked by role), devices, recent readings, history',
      tag: 'site',
      params: unitParams,
      response: unitDetailDtoSchema,
    },
    async ({ user, params }) => siteMap().unit(user, params.unitId),
  );
  router.route(
    {
      method: 'PATCH',
      url: '/api/v1/site/units/:unitId/occupancy',
      permission: 'occupancy:edit',
      summary: 'Change a unit’s occupancy (vacant, custody with start date and readings, decorating…); audited',
      tag: 'site',
      params: unitParams,
      body: occupancyUpdateSchema,
      response: unitDetailDtoSchema,
    },
    async ({ user, params, body }) => siteMap().updateOccupancy(user, params.unitId, body),
  );
}
