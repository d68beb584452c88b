import { consumptionQuerySchema } from '@dutyroom/domain';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireSiteAccess } from '../services/access.ts';
import { ServiceError } from '../services/errors.ts';
import { type ConsoleRouteDeps, parseWith, userOf } from './console-parts.ts';

const unitParams = z.object({ unitId: z.string().regex(/^[\w.-]{1,64}$/, 'a unit id such as 3-1-1202') });
const flowQuery = z.strictObject({ minutes: z.coerce.number().int().min(5).max(1440).default(60) });
const nightQuery = z.strictObject({ nights: z.coerce.number().int().min(1).max(60).default(7) });

/** Charts' data from the telemetry store (InfluxDB or the embedded table), always in the site's time zone. */
export const telemetryRoutes = (deps: ConsoleRouteDeps) => async (app: FastifyInstance) => {
  const { telemetry, now } = deps.consoleParts;
  const siteId = async (request: Parameters<typeof userOf>[1]) => {
    const user = await userOf(deps.auth, request);
    // Site-wide roles only until stewards' grid scoping lands (a steward's unit charts come with it).
    if (user === undefined) throw new ServiceError('UNAUTHENTICATED', 'log in first');
    return requireSiteAccess(user, user.siteId).siteId;
  };

  app.get('/api/v1/telemetry/units/:unitId/consumption', async (request) => {
    await siteId(request);
    const { unitId } = parseWith(unitParams, request.params);
    const q = parseWith(consumptionQuerySchema, request.query);
    const { from, to } = telemetry.range(q.bucket, now(), q.from, q.to);
    const result = await telemetry.unitConsumption(unitId, q.bucket, from, to);
    if (result === undefined) throw new ServiceError('NOT_FOUND', `no unit ${unitId}`);
    return result;
  });
  app.get('/api/v1/telemetry/site/flow', async (request) => {
    await siteId(request);
    const { minutes } = parseWith(flowQuery, request.query);
    const to = now();
    return telemetry.siteFlow(to - minutes * 60_000, to);
  });
  app.get('/api/v1/telemetry/site/night-flow', async (request) => {
    await siteId(request);
    const { nights } = parseWith(nightQuery, request.query);
    return telemetry.nightFlow(now(), nights);
  });
};
