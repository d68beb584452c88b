import { dutyRequestSchema, shiftRequestSchema } from '@dutyroom/domain';
import { z } from 'zod';
import type { RosterService } from '../services/roster.service.ts';
import { numericIdParams } from './accounts-shared.ts';
import type { Router } from './router.ts';

/** 值班: the roster, shifts, and the on-duty toggle of the steward's phone. */
export function rosterRoutes(router: Router, deps: { roster: RosterService }): void {
  router.route(
    { method: 'GET', url: '/api/v1/roster', permission: 'workOrders:read', summary: 'Grids, stewards, shifts, who is on duty now', tag: 'roster' },
    async ({ user }) => deps.roster.view(user),
  );
  router.route(
    {
      method: 'PATCH',
      url: '/api/v1/me/duty',
      summary: 'The on-duty toggle (a supervisor may set anyone’s with personId)',
      tag: 'roster',
      body: dutyRequestSchema,
    },
    async ({ user, body }) => {
      await deps.roster.setOnDuty(user, body.personId, body.onDuty);
      return deps.roster.view(user);
    },
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/roster/shifts',
      permission: 'roster:manage',
      summary: 'Shifts overlapping a time range (at most 31 days), past ones included: the roster editor’s week',
      tag: 'roster',
      query: z.strictObject({ from: z.coerce.number().int().nonnegative(), to: z.coerce.number().int().nonnegative() }),
      response: z.object({ items: z.array(z.object({ id: z.string(), personId: z.string(), startsAt: z.number(), endsAt: z.number() })) }),
    },
    async ({ user, query }) => ({ items: [...(await deps.roster.shiftsBetween(user, query.from, query.to))] }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/roster/shifts',
      permission: 'roster:manage',
      summary: 'Schedule an on-duty steward (值班管家) for a time range',
      tag: 'roster',
      body: shiftRequestSchema,
      response: z.object({ id: z.string() }),
    },
    async ({ user, body, reply }) => {
      reply.status(201);
      return { id: await deps.roster.addShift(user, body) };
    },
  );
  router.route(
    {
      method: 'DELETE',
      url: '/api/v1/roster/shifts/:id',
      permission: 'roster:manage',
      summary: 'Remove a shift',
      tag: 'roster',
      params: numericIdParams('a shift id'),
    },
    async ({ user, params, reply }) => {
      await deps.roster.removeShift(user, params.id);
      return reply.status(204).send();
    },
  );
}
