import { handoverCreateSchema } from '@dutyroom/domain';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type ConsoleRouteDeps, parseWith, userOf } from './console-parts.ts';

const noteParams = z.object({ id: z.string().regex(/^\d+$/, 'a handover note id') });
const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(30) });

/** 交接班: shift handover notes, taking a shift over, and the shift's KPIs. */
export const handoverRoutes = (deps: ConsoleRouteDeps) => async (app: FastifyInstance) => {
  const { handover } = deps.consoleParts;
  app.get('/api/v1/shift/kpis', async (request) => handover.kpis(await userOf(deps.auth, request)));
  app.get('/api/v1/shift/handovers', async (request) => {
    const { limit } = parseWith(listQuery, request.query);
    return { items: await handover.list(await userOf(deps.auth, request), limit) };
  });
  app.post('/api/v1/shift/handovers', async (request) => {
    const { body } = parseWith(handoverCreateSchema, request.body);
    return handover.create(await userOf(deps.auth, request), body);
  });
  app.post('/api/v1/shift/handovers/:id/take-over', async (request) => {
    const { id } = parseWith(noteParams, request.params);
    return handover.takeOver(await userOf(deps.auth, request), id);
  });
};
