import {
  areaEditSchema,
  buildingEditSchema,
  deviceEditSchema,
  gridEditSchema,
  personEditSchema,
  removeEditQuerySchema,
  ruleEditSchema,
  siteConfigDtoSchema,
  siteExportQuerySchema,
  siteImportResultSchema,
  siteImportSchema,
  siteRestoreSchema,
  siteRevisionDiffQuerySchema,
  siteRevisionDiffSchema,
  siteRevisionListSchema,
  unitEditSchema,
  unitFactsEditSchema,
} from '@dutyroom/domain';
import { z } from 'zod';
import type { SiteConfigService } from '../services/site-config.service.ts';
import type { Router } from './router.ts';

const deviceParams = z.object({ deviceId: z.string().regex(/^[\w.-]{1,64}$/, 'a device id such as wm-3-1-1202') });
const gridParams = z.object({ gridId: z.string().regex(/^[\w.-]{1,64}$/, 'a grid id such as g1') });
const unitParams = z.object({ unitId: z.string().regex(/^[\w.-]{1,64}$/, 'a unit id such as 3-1-1202') });
const detectorParams = z.object({ detectorId: z.string().regex(/^[\w.-]{1,64}$/, 'a detector id such as vacant-unit-water') });
const buildingParams = z.object({ buildingId: z.string().regex(/^[\w.-]{1,64}$/, 'a building id such as b3') });
const areaParams = z.object({ areaId: z.string().regex(/^[\w.-]{1,64}$/, 'an area id such as gate-north') });
const revisionParams = z.object({ revision: z.coerce.number().int().positive() });
const personParams = z.object({ personId: z.string().regex(/^[\w.-]{1,64}$/, 'a person id such as wang') });

/**
 * The site document (devices and their mapping, grids, unit facts, people, thresholds): read,
 * edited one part at a time as new revisions, exported and imported (docs/api.md §Site data).
 * Every edit carries `expectedRevision`; a stale one answers 409.
 */
export function siteConfigRoutes(router: Router, deps: { siteConfig: () => SiteConfigService }): void {
  const tag = 'site-config';
  const svc = deps.siteConfig;
  router.route(
    {
      method: 'GET',
      url: '/api/v1/site/config',
      permission: 'site:manage',
      summary: 'The current revision of the site document (the site file’s shape) with its number, author and comment',
      tag,
      response: siteConfigDtoSchema,
    },
    async ({ user }) => svc().get(user),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/site/config/revisions',
      permission: 'site:setup',
      summary: 'The latest revisions of the site document: number, author, time, comment',
      tag,
      response: siteRevisionListSchema,
    },
    async ({ user }) => svc().revisions(user),
  );
  router.route(
    {
      method: 'PUT',
      url: '/api/v1/site/config/devices/:deviceId',
      permission: 'site:manage',
      summary: 'Add a device or change its mapping (ecosystem, source address, gateway, quirks, valve) or its place; a new revision',
      tag,
      params: deviceParams,
      body: deviceEditSchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, body }) => svc().putDevice(user, params.deviceId, body),
  );
  router.route(
    {
      method: 'DELETE',
      url: '/api/v1/site/config/devices/:deviceId',
      permission: 'site:manage',
      summary: 'Remove a device; a new revision',
      tag,
      params: deviceParams,
      query: removeEditQuerySchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, query }) => svc().removeDevice(user, params.deviceId, query),
  );
  router.route(
    {
      method: 'PUT',
      url: '/api/v1/site/config/grids/:gridId',
      permission: 'site:manage',
      summary: 'Add or change a grid (网格): name, steward, the buildings and units it covers; a new revision',
      tag,
      params: gridParams,
      body: gridEditSchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, body }) => svc().putGrid(user, params.gridId, body),
  );
  router.route(
    {
      method: 'DELETE',
      url: '/api/v1/site/config/grids/:gridId',
      permission: 'site:manage',
      summary: 'Remove a grid no building, unit or area uses any more; a new revision',
      tag,
      params: gridParams,
      query: removeEditQuerySchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, query }) => svc().removeGrid(user, params.gridId, query),
  );
  router.route(
    {
      method: 'PATCH',
      url: '/api/v1/site/config/units/:unitId',
      permission: 'site:manage',
      summary: 'A unit’s facts: key held (有钥匙), owner name and phone, preferred contact hours; a new revision',
      tag,
      params: unitParams,
      body: unitFactsEditSchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, body }) => svc().putUnitFacts(user, params.unitId, body),
  );
  router.route(
    {
      method: 'PUT',
      url: '/api/v1/site/config/rules/:detectorId',
      permission: 'site:manage',
      summary: 'One detector’s thresholds for the site and per unit type, checked by its configSchema; a new revision',
      tag,
      params: detectorParams,
      body: ruleEditSchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, body }) => svc().putRule(user, params.detectorId, body),
  );
  router.route(
    {
      method: 'PUT',
      url: '/api/v1/site/config/people/:personId',
      permission: 'site:manage',
      summary: 'Add or change a person of the site (name, role, phone, department); a new revision',
      tag,
      params: personParams,
      body: personEditSchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, body }) => svc().putPerson(user, params.personId, body),
  );
  router.route(
    {
      method: 'DELETE',
      url: '/api/v1/site/config/people/:personId',
      permission: 'site:manage',
      summary: 'Remove a person no grid names any more; a new revision',
      tag,
      params: personParams,
      query: removeEditQuerySchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, query }) => svc().removePerson(user, params.personId, query),
  );
  router.route(
    {
      method: 'PUT',
      url: '/api/v1/site/config/buildings/:buildingId',
      permission: 'site:manage',
      summary: 'Add or change a building (楼栋): name, kind (high-rise, multi-storey, villa, shop), floors, grid; a new revision',
      tag,
      params: buildingParams,
      body: buildingEditSchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, body }) => svc().putBuilding(user, params.buildingId, body),
  );
  router.route(
    {
      method: 'DELETE',
      url: '/api/v1/site/config/buildings/:buildingId',
      permission: 'site:manage',
      summary: 'Remove a building no unit, area, device or open work order refers to (400 names them otherwise); a new revision',
      tag,
      params: buildingParams,
      query: removeEditQuerySchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, query }) => svc().removeBuilding(user, params.buildingId, query),
  );
  router.route(
    {
      method: 'PUT',
      url: '/api/v1/site/config/units/:unitId',
      permission: 'site:manage',
      summary: 'Add a unit (房屋) or change its building, floor and grid override; a new revision',
      tag,
      params: unitParams,
      body: unitEditSchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, body }) => svc().putUnit(user, params.unitId, body),
  );
  router.route(
    {
      method: 'DELETE',
      url: '/api/v1/site/config/units/:unitId',
      permission: 'site:manage',
      summary: 'Remove a unit with no device and no open work order (400 names them otherwise); a new revision',
      tag,
      params: unitParams,
      query: removeEditQuerySchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, query }) => svc().removeUnit(user, params.unitId, query),
  );
  router.route(
    {
      method: 'PUT',
      url: '/api/v1/site/config/areas/:areaId',
      permission: 'site:manage',
      summary: 'Add or change a public area (公共区域: gate, car park, plant room, stairwell…): name, kind, building, grid; a new revision',
      tag,
      params: areaParams,
      body: areaEditSchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, body }) => svc().putArea(user, params.areaId, body),
  );
  router.route(
    {
      method: 'DELETE',
      url: '/api/v1/site/config/areas/:areaId',
      permission: 'site:manage',
      summary: 'Remove a public area with no device and no open work order (400 names them otherwise); a new revision',
      tag,
      params: areaParams,
      query: removeEditQuerySchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, query }) => svc().removeArea(user, params.areaId, query),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/site/config/revisions/:revision/diff',
      permission: 'site:manage',
      summary: 'What a revision changed against its predecessor, or (against=current) what restoring it would change',
      tag,
      params: revisionParams,
      query: siteRevisionDiffQuerySchema,
      response: siteRevisionDiffSchema,
    },
    async ({ user, params, query }) => svc().revisionDiff(user, params.revision, query.against),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/site/config/revisions/:revision/restore',
      permission: 'site:manage',
      summary: 'Restore an older revision: its document becomes the next revision (history is never rewritten)',
      tag,
      params: revisionParams,
      body: siteRestoreSchema,
      response: siteConfigDtoSchema,
    },
    async ({ user, params, body }) => svc().restore(user, params.revision, body),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/site/config/export',
      permission: 'site:manage',
      summary: 'The current revision (or ?revision=N, an older one) as a site file (YAML, the default) or JSON; importing it again changes nothing',
      tag,
      query: siteExportQuerySchema,
      produces: ['application/yaml', 'application/json'],
    },
    async ({ user, query, reply }) => {
      const { revision, text } = await svc().export(user, query.format, query.revision);
      const type = query.format === 'yaml' ? 'application/yaml; charset=utf-8' : 'application/json; charset=utf-8';
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="site-r${revision}.${query.format}"`)
        .header('x-site-revision', String(revision))
        .send(text);
    },
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/site/config/import',
      permission: 'site:manage',
      summary: 'Import a site file (YAML or JSON text): validated, compared with the current revision; saved as the next revision unless dryRun',
      tag,
      body: siteImportSchema,
      response: siteImportResultSchema,
    },
    async ({ user, body }) => svc().import(user, body),
  );
}
