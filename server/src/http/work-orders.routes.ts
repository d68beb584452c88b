import {
  checklistTickRequestSchema,
  escalateRequestSchema,
  intakeRequestSchema,
  mergeRequestSchema,
  noteRequestSchema,
  page,
  personDtoSchema,
  progressUpdateRequestSchema,
  transitionRequestSchema,
  workOrderDetailSchema,
  workOrderDtoSchema,
  workOrderListQuerySchema,
  workOrderPolicySchema,
} from '@dutyroom/domain';
import { z } from 'zod';
import type { WorkOrderClocks } from '../services/work-order-clocks.service.ts';
import type { WorkOrdersService } from '../services/work-orders.service.ts';
import type { Router } from './router.ts';

export const workOrderIdParams = z.strictObject({ id: z.string().regex(/^\d{1,9}$/, 'a work order id') });
const one = z.object({ workOrder: workOrderDtoSchema });

/** Work orders (SPEC §6): list, intake, detail, every lifecycle action, notes, checklist, merge. */
export function workOrderRoutes(router: Router, deps: { workOrders: () => WorkOrdersService; clocks: () => WorkOrderClocks }): void {
  const wo = () => deps.workOrders();
  router.route(
    {
      method: 'GET',
      url: '/api/v1/work-orders',
      permission: 'workOrders:read',
      summary: 'Work orders, filtered, newest first, paged',
      tag: 'work-orders',
      query: workOrderListQuerySchema,
      response: page(workOrderDtoSchema),
    },
    async ({ user, query }) => wo().list(user, query),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/work-orders',
      permission: 'workOrders:create',
      summary: 'Intake at the front desk: repair, complaint, enquiry, request',
      tag: 'work-orders',
      body: intakeRequestSchema,
      response: one,
    },
    async ({ user, body, reply }) => {
      reply.status(201);
      return { workOrder: await wo().intake(user, body) };
    },
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/work-orders/:id',
      permission: 'workOrders:read',
      summary: 'One order with its timeline, steps, return visits and photos',
      tag: 'work-orders',
      params: workOrderIdParams,
      response: workOrderDetailSchema,
    },
    async ({ user, params }) => wo().detail(user, params.id),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/work-orders/:id/transitions',
      permission: 'workOrders:read',
      summary: 'A lifecycle action: dispatch (or reassign), accept, arrive, resolve, feedBack, returnVisit, close, cancel, falseAlarm, reopen',
      tag: 'work-orders',
      params: workOrderIdParams,
      body: transitionRequestSchema,
      response: one,
    },
    async ({ user, params, body }) => ({ workOrder: await wo().transition(user, params.id, body) }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/work-orders/:id/acknowledge',
      permission: 'workOrders:acknowledge',
      summary: 'The control room has seen the order (idempotent)',
      tag: 'work-orders',
      params: workOrderIdParams,
      response: one,
    },
    async ({ user, params }) => ({ workOrder: await wo().acknowledge(user, params.id) }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/work-orders/:id/notes',
      permission: 'workOrders:read',
      summary: 'A note on the timeline',
      tag: 'work-orders',
      params: workOrderIdParams,
      body: noteRequestSchema,
      response: one,
    },
    async ({ user, params, body }) => ({ workOrder: await wo().addNote(user, params.id, body.text) }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/work-orders/:id/progress-updates',
      permission: 'workOrders:followUp',
      summary: 'The progress update owed to the owner every 24 h (clears the reminder)',
      tag: 'work-orders',
      params: workOrderIdParams,
      body: progressUpdateRequestSchema,
      response: one,
    },
    async ({ user, params, body }) => ({ workOrder: await wo().addNote(user, params.id, body.text, { channel: body.channel }) }),
  );
  router.route(
    {
      method: 'PATCH',
      url: '/api/v1/work-orders/:id/checklist/:itemId',
      permission: 'workOrders:progress',
      summary: 'Tick or untick an SOP checklist item',
      tag: 'work-orders',
      params: workOrderIdParams.extend({ itemId: z.string().min(1).max(64) }),
      body: checklistTickRequestSchema,
      response: one,
    },
    async ({ user, params, body }) => ({ workOrder: await wo().tickChecklist(user, params.id, params.itemId, body) }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/work-orders/:id/merge',
      permission: 'workOrders:dispatch',
      summary: 'Merge duplicates into this order (they are cancelled)',
      tag: 'work-orders',
      params: workOrderIdParams,
      body: mergeRequestSchema,
      response: one,
    },
    async ({ user, params, body }) => ({ workOrder: await wo().merge(user, params.id, body.duplicateIds) }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/work-orders/:id/escalate',
      permission: 'workOrders:dispatch',
      summary: 'Escalate by hand to the next person of the chain now (升级), without waiting for the breach',
      tag: 'work-orders',
      params: workOrderIdParams,
      body: escalateRequestSchema,
      response: one,
    },
    async ({ user, params, body }) => ({ workOrder: await deps.clocks().escalateByHand(user, params.id, body.note) }),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/people',
      permission: 'workOrders:read',
      summary: 'People of the site, for dispatch',
      tag: 'site',
      response: z.object({ items: z.array(personDtoSchema) }),
    },
    async ({ user }) => ({ items: wo().people(user) }),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/work-order-policy',
      permission: 'workOrders:read',
      summary: "The site's time standards, escalation, call hours and return-visit rules",
      tag: 'site',
      response: workOrderPolicySchema,
    },
    async ({ user }) => wo().policy(user),
  );
}
