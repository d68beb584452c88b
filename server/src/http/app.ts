import { existsSync } from 'node:fs';
import type { DeadLetterDto, UserDto } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { requirePermission } from '../services/access.ts';
import { type AuthService, type DemoAccount, SESSION_COOKIE } from '../services/auth.service.ts';
import { ServiceError } from '../services/errors.ts';
import type { WorkOrdersService } from '../services/work-orders.service.ts';
import type { AccountsDeps } from './accounts-shared.ts';
import { registerAuthRoutes } from './auth.routes.ts';
import { parseCookies } from './cookies.ts';
import { toErrorBody } from './errors.ts';
import { registerPushRoutes } from './push.routes.ts';
import { registerRosterRoutes } from './roster.routes.ts';
import { registerStewardRoutes } from './steward.routes.ts';

export interface AppDeps {
  readonly db: Db;
  readonly auth: AuthService;
  readonly workOrders: WorkOrdersService;
  readonly siteName: string;
  readonly demo: DemoAccount | undefined;
  readonly demoAccounts: readonly DemoAccount[];
  readonly siteId: string;
  readonly accounts: AccountsDeps;
  /** Filled with every route as it is registered. */
  readonly routes?: { method: string; url: string }[];
  readonly metrics: readonly Registry[];
  readonly consoleDir: string | undefined;
  readonly ready: () => boolean;
  readonly log: Logger;
  readonly secureCookies: boolean;
}

const sessionToken = (request: FastifyRequest) => parseCookies(request.headers.cookie)[SESSION_COOKIE];

export async function buildApp(deps: AppDeps) {
  // Fastify's own request logging stays off: failures are logged below, with our logger.
  const log = deps.log.child({ module: 'server.http' });
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  // Every registered route is listed, so the access suite can try each one as every role.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) deps.routes?.push({ method: String(method), url: route.url });
  });
  const currentUser = (request: FastifyRequest): Promise<UserDto | undefined> => deps.auth.userForToken(sessionToken(request));

  app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
    const fastifyStatus = (error as { statusCode?: number }).statusCode;
    if (!(error instanceof ServiceError) && fastifyStatus !== undefined && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Fastify's own rejections (malformed JSON, wrong content type, body too large).
      return reply.status(fastifyStatus).send({ error: { code: 'VALIDATION', message: (error as Error).message } });
    }
    const { status, error: body } = toErrorBody(error);
    if (status >= 500) log.error({ err: error, url: request.url }, 'request failed');
    return reply.status(status).send({ error: body });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    await deps.db.query('select 1');
    return deps.ready() ? { status: 'ready' } : reply.status(503).send({ status: 'starting' });
  });
  app.get('/metrics', async (_request, reply) => {
    const texts = await Promise.all(deps.metrics.map((r) => r.metrics()));
    return reply.type('text/plain; version=0.0.4').send(texts.join('\n'));
  });

  app.get('/api/v1/info', async () => ({
    siteName: deps.siteName,
    demo: deps.demo ?? null,
    // Demo mode says so on the login page, with every demo account (never outside demo mode).
    demoAccounts: deps.demoAccounts.map(({ username, role }) => ({ username, role: role ?? null })),
  }));
  registerAuthRoutes(app, { currentUser, auth: deps.auth, secureCookies: deps.secureCookies });
  registerPushRoutes(app, { currentUser, db: deps.db, siteId: deps.siteId, ...deps.accounts });
  registerRosterRoutes(app, { currentUser, roster: deps.accounts.roster, siteId: deps.siteId });
  registerStewardRoutes(app, { currentUser, steward: deps.accounts.steward });
  app.get('/api/v1/board', async (request) => deps.workOrders.board(await currentUser(request)));
  app.post<{ Params: { id: string } }>('/api/v1/work-orders/:id/acknowledge', async (request) => {
    if (!/^\d+$/.test(request.params.id)) throw new ServiceError('VALIDATION', 'id: a work order id');
    return { workOrder: await deps.workOrders.acknowledge(await currentUser(request), request.params.id) };
  });
  app.get('/api/v1/dead-letters', async (request) => {
    requirePermission(await currentUser(request), 'deadLetters:read', deps.siteId);
    const [items, counts] = await Promise.all([
      deps.db.query<Omit<DeadLetterDto, 'payload'> & { payload64: string }>(
        `select id::text as id, (extract(epoch from received_at) * 1000)::float8 as "receivedAt", topic, reason, detail,
         encode(payload, 'base64') as payload64 from dead_letters order by id desc limit 200`,
      ),
      deps.db.query<{ reason: string; n: number }>('select reason, count(*)::int as n from dead_letters group by reason'),
    ]);
    // Raw bytes may not be UTF-8 (that can be why they were rejected): decode leniently for display.
    const list: DeadLetterDto[] = items.rows.map(({ payload64, ...rest }) => ({ ...rest, payload: Buffer.from(payload64, 'base64').toString('utf8') }));
    return { items: list, counts: Object.fromEntries(counts.rows.map((r) => [r.reason, r.n])) };
  });
  app.all('/api/*', async () => {
    throw new ServiceError('NOT_FOUND', 'no such API route');
  });

  if (deps.consoleDir !== undefined && existsSync(deps.consoleDir)) {
    await app.register(fastifyStatic, { root: deps.consoleDir, wildcard: false });
    // The console is a single-page app: unknown paths get its shell.
    app.setNotFoundHandler((_request, reply) => reply.sendFile('index.html'));
  }
  return app;
}
