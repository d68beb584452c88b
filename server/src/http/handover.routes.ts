import { handoverCreateSchema, handoverNoteSchema, shiftDigestQuerySchema, shiftDigestSchema, shiftKpisSchema } from '@dutyroom/domain';
import { z } from 'zod';
import type { ConsoleRouteDeps } from './console-parts.ts';
import type { Router } from './router.ts';

const noteParams = z.object({ id: z.string().regex(/^\d+$/, 'a handover note id') });
const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(30) });

/** 交接班: shift handover notes, taking a shift over, and the shift's KPIs. */
export function handoverRoutes(router: Router, deps: ConsoleRouteDeps): void {
  const { handover, digest } = deps.consoleParts;
  router.route(
    {
      method: 'GET',
      url: '/api/v1/shift/kpis',
      permission: 'shift:read',
      summary: 'Open P1/P2, breaches today, mean times to acknowledge and to arrive',
      tag: 'shift',
      response: shiftKpisSchema,
    },
    async ({ user }) => handover.kpis(user),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/shift/digest',
      permission: 'shift:read',
      summary: 'The daily digest: anomalies of rules set to never dispatch (no order, no push), by rule, for a local day (default today)',
      tag: 'shift',
      query: shiftDigestQuerySchema,
      response: shiftDigestSchema,
    },
    async ({ user, query }) => digest.digest(user, query.day),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/shift/handovers',
      permission: 'shift:read',
      summary: 'The handover log, newest first',
      tag: 'shift',
      query: listQuery,
      response: z.object({ items: z.array(handoverNoteSchema) }),
    },
    async ({ user, query }) => ({ items: await handover.list(user, query.limit) }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/shift/handovers',
      permission: 'shift:write',
      summary: 'Write the handover note',
      tag: 'shift',
      body: handoverCreateSchema,
      response: handoverNoteSchema,
    },
    async ({ user, body }) => handover.create(user, body.body),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/shift/handovers/:id/take-over',
      permission: 'shift:write',
      summary: 'The incoming operator takes the shift over',
      tag: 'shift',
      params: noteParams,
      response: handoverNoteSchema,
    },
    async ({ user, params }) => handover.takeOver(user, params.id),
  );
}
