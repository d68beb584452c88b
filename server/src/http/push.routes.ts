import { pushSubscriptionRequestSchema, unsubscribeRequestSchema } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import type { FastifyInstance } from 'fastify';
import type { Notifier } from '../notify/notifier.ts';
import { subscriptionsRepository } from '../notify/pushes.repository.ts';
import { audit } from '../repositories/audit.repository.ts';
import { requirePermission } from '../services/access.ts';
import { ServiceError } from '../services/errors.ts';
import { numericId, parseWith, type RouteContext } from './accounts-shared.ts';

interface PushRouteDeps extends RouteContext {
  readonly db: Db;
  readonly siteId: string;
  readonly notifier: () => Notifier;
  readonly vapidPublicKey: () => string;
  /** The order as its router loads it, for "pushes shown on the order". */
  readonly findWorkOrder: (id: string) => Promise<{ id: string; siteId: string; gridId: string | null; assigneeId: string | null } | undefined>;
}

/** Web Push subscriptions, the VAPID public key, push records and acknowledging a push. */
export function registerPushRoutes(app: FastifyInstance, deps: PushRouteDeps): void {
  app.get('/api/v1/push/vapid-public-key', async (request) => {
    requirePermission(await deps.currentUser(request), 'push:self', deps.siteId);
    return { publicKey: deps.vapidPublicKey() };
  });

  app.post('/api/v1/push/subscriptions', async (request, reply) => {
    const user = requirePermission(await deps.currentUser(request), 'push:self', deps.siteId);
    const sub = parseWith(pushSubscriptionRequestSchema, request.body);
    const userAgent = request.headers['user-agent']?.slice(0, 200) ?? null;
    const id = await deps.db.transaction(async (tx) => {
      const created = await subscriptionsRepository.upsert(tx, user.id, { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, userAgent });
      await audit(tx, { actor: user.username, action: 'push.subscribed', subjectType: 'push-subscription', subjectId: created });
      return created;
    });
    return reply.status(201).send({ id });
  });

  app.delete('/api/v1/push/subscriptions', async (request, reply) => {
    const user = requirePermission(await deps.currentUser(request), 'push:self', deps.siteId);
    const { endpoint } = parseWith(unsubscribeRequestSchema, request.body);
    if (!(await subscriptionsRepository.remove(deps.db, user.id, endpoint))) throw new ServiceError('NOT_FOUND', 'no such subscription of this account');
    return reply.status(204).send();
  });

  app.get('/api/v1/pushes', async (request) => ({ items: await deps.notifier().mine(await deps.currentUser(request)) }));
  app.get('/api/v1/pushes/recent', async (request) => ({ items: await deps.notifier().recent(await deps.currentUser(request)) }));

  app.post<{ Params: { id: string } }>('/api/v1/pushes/:id/acknowledge', async (request) => {
    const id = numericId(request.params.id, 'a push id');
    return { push: await deps.notifier().acknowledge(await deps.currentUser(request), id) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/work-orders/:id/pushes', async (request) => {
    const user = requirePermission(await deps.currentUser(request), 'workOrders:read', deps.siteId);
    const order = await deps.findWorkOrder(numericId(request.params.id, 'a work order id'));
    if (order === undefined) throw new ServiceError('NOT_FOUND', `no work order ${request.params.id}`);
    return { items: await deps.notifier().forWorkOrder(user, order) };
  });
}
