import { pushDtoSchema, pushSubscriptionRequestSchema, unsubscribeRequestSchema } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { z } from 'zod';
import { subscriptionsRepository } from '../notify/pushes.repository.ts';
import { audit } from '../repositories/audit.repository.ts';
import { requirePermission } from '../services/access.ts';
import { ServiceError } from '../services/errors.ts';
import { type AccountsDeps, numericIdParams } from './accounts-shared.ts';
import type { Router } from './router.ts';

const list = z.object({ items: z.array(pushDtoSchema) });

/** Web Push subscriptions, the VAPID public key, push records and acknowledging a push (SPEC §7). */
export function pushRoutes(router: Router, deps: AccountsDeps & { db: Db; siteId: string }): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/push/vapid-public-key',
      permission: 'push:self',
      summary: 'The server’s VAPID public key',
      tag: 'push',
      response: z.object({ publicKey: z.string() }),
    },
    async ({ user }) => {
      requirePermission(user, 'push:self', deps.siteId);
      return { publicKey: deps.vapidPublicKey() };
    },
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/push/subscriptions',
      permission: 'push:self',
      summary: 'Store this browser’s Web Push subscription for the logged-in account',
      tag: 'push',
      body: pushSubscriptionRequestSchema,
      response: z.object({ id: z.string() }),
    },
    async ({ user, body, request, reply }) => {
      const u = requirePermission(user, 'push:self', deps.siteId);
      const userAgent = request.headers['user-agent']?.slice(0, 200) ?? null;
      const id = await deps.db.transaction(async (tx) => {
        const created = await subscriptionsRepository.upsert(tx, u.id, { endpoint: body.endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth, userAgent });
        await audit(tx, { actor: u.username, action: 'push.subscribed', subjectType: 'push-subscription', subjectId: created });
        return created;
      });
      reply.status(201);
      return { id };
    },
  );
  router.route(
    {
      method: 'DELETE',
      url: '/api/v1/push/subscriptions',
      permission: 'push:self',
      summary: 'Remove one of this account’s subscriptions',
      tag: 'push',
      body: unsubscribeRequestSchema,
    },
    async ({ user, body, reply }) => {
      const u = requirePermission(user, 'push:self', deps.siteId);
      if (!(await subscriptionsRepository.remove(deps.db, u.id, body.endpoint))) throw new ServiceError('NOT_FOUND', 'no such subscription of this account');
      return reply.status(204).send();
    },
  );
  router.route(
    { method: 'GET', url: '/api/v1/pushes', permission: 'push:self', summary: 'Pushes this person was paged for, newest first', tag: 'push', response: list },
    async ({ user }) => ({ items: await deps.notifier().mine(user) }),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/pushes/recent',
      permission: 'push:read',
      summary: 'The site’s recent pushes with every delivery result',
      tag: 'push',
      response: list,
    },
    async ({ user }) => ({ items: await deps.notifier().recent(user) }),
  );
  router.route(
    {
      method: 'POST',
      url: '/api/v1/pushes/:id/acknowledge',
      permission: 'push:self',
      summary: 'Acknowledge a push (stops its escalation)',
      tag: 'push',
      params: numericIdParams('a push id'),
      response: z.object({ push: pushDtoSchema }),
    },
    async ({ user, params }) => ({ push: await deps.notifier().acknowledge(user, params.id) }),
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/work-orders/:id/pushes',
      permission: 'workOrders:read',
      summary: 'Every push of the order, its deliveries and acknowledgement',
      tag: 'push',
      params: numericIdParams('a work order id'),
      response: list,
    },
    async ({ user, params }) => {
      const u = requirePermission(user, 'workOrders:read', deps.siteId);
      const order = await deps.findWorkOrder(params.id);
      if (order === undefined) throw new ServiceError('NOT_FOUND', 'no such work order');
      return { items: await deps.notifier().forWorkOrder(u, order) };
    },
  );
}
