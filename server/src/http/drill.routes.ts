import { drillStartSchema } from '@dutyroom/domain';
import type { FastifyInstance } from 'fastify';
import { type ConsoleRouteDeps, parseWith, userOf } from './console-parts.ts';

/** 演练: start a drill scenario from the console. */
export const drillRoutes = (deps: ConsoleRouteDeps) => async (app: FastifyInstance) => {
  app.post('/api/v1/drills', async (request) => {
    const { scenario } = parseWith(drillStartSchema, request.body);
    return deps.consoleParts.drill.start(await userOf(deps.auth, request), scenario);
  });
};
