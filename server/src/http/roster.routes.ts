import { dutyRequestSchema, shiftRequestSchema } from '@dutyroom/domain';
import type { FastifyInstance } from 'fastify';
import { requirePermission, requireUser } from '../services/access.ts';
import type { RosterService } from '../services/roster.service.ts';
import { numericId, parseWith, type RouteContext } from './accounts-shared.ts';

/** 值班: the roster, shifts, and the on-duty toggle of the steward's phone. */
export function registerRosterRoutes(app: FastifyInstance, deps: RouteContext & { roster: RosterService; siteId: string }): void {
  app.get('/api/v1/roster', async (request) => deps.roster.view(await deps.currentUser(request)));

  app.put('/api/v1/me/duty', async (request) => {
    requireUser(await deps.currentUser(request));
    const body = parseWith(dutyRequestSchema, request.body);
    await deps.roster.setOnDuty(await deps.currentUser(request), body.personId, body.onDuty);
    return deps.roster.view(await deps.currentUser(request));
  });

  app.post('/api/v1/roster/shifts', async (request, reply) => {
    // Access before validation: a caller who may not edit the roster learns nothing about its shape.
    requirePermission(await deps.currentUser(request), 'roster:manage', deps.siteId);
    const body = parseWith(shiftRequestSchema, request.body);
    return reply.status(201).send({ id: await deps.roster.addShift(await deps.currentUser(request), body) });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/roster/shifts/:id', async (request, reply) => {
    await deps.roster.removeShift(await deps.currentUser(request), numericId(request.params.id, 'a shift id'));
    return reply.status(204).send();
  });
}
