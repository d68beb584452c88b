import { consumptionQuerySchema, consumptionSeriesSchema, nightFlowDtoSchema, unitConsumptionDtoSchema } from '@dutyroom/domain';
import { z } from 'zod';
import { ServiceError } from '../services/errors.ts';
import type { ConsoleRouteDeps } from './console-parts.ts';
import type { Router } from './router.ts';

const unitParams = z.object({ unitId: z.string().regex(/^[\w.-]{1,64}$/, 'a unit id such as 3-1-1202') });
const flowQuery = z.strictObject({ minutes: z.coerce.number().int().min(5).max(1440).default(60) });
const nightQuery = z.strictObject({ nights: z.coerce.number().int().min(1).max(60).default(7) });

/** Charts' data from the telemetry store (InfluxDB or the embedded table), always in the site's time zone. */
export function telemetryRoutes(router: Router, deps: ConsoleRouteDeps): void {
  const { telemetry, siteMap, now } = deps.consoleParts;

  router.route(
    {
      method: 'GET',
      url: '/api/v1/telemetry/units/:unitId/consumption',
      permission: 'telemetry:read',
      summary: 'A unit’s water (m³) and electricity (kWh) per minute, hour or day, from its meters’ cumulative totals',
      tag: 'telemetry',
      params: unitParams,
      query: consumptionQuerySchema,
      response: unitConsumptionDtoSchema,
    },
    async ({ user, params, query }) => {
      // A unit of another grid answers 404, as its page does (issue 6).
      await siteMap.requireUnitVisible(user, 'telemetry:read', params.unitId);
      const { from, to } = telemetry.range(query.bucket, now(), query.from, query.to);
      const result = await telemetry.unitConsumption(params.unitId, query.bucket, from, to);
      if (result === undefined) throw new ServiceError('NOT_FOUND', `no unit ${params.unitId}`);
      return result;
    },
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/telemetry/site/flow',
      permission: 'telemetry:site',
      summary: 'Site-wide water use per minute (m³)',
      tag: 'telemetry',
      query: flowQuery,
      response: consumptionSeriesSchema,
    },
    async ({ query }) => {
      const to = now();
      return telemetry.siteFlow(to - query.minutes * 60_000, to);
    },
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/telemetry/site/night-flow',
      permission: 'telemetry:site',
      summary: 'Minimum night flow (01:00–05:00) per night and its median as the baseline (L/h)',
      tag: 'telemetry',
      query: nightQuery,
      response: nightFlowDtoSchema,
    },
    async ({ query }) => {
      return telemetry.nightFlow(now(), query.nights);
    },
  );
}
