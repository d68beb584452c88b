import { existsSync } from 'node:fs';
import { type DeadLetterDto, loginRequestSchema, type UserDto } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { type AuthService, type DemoAccount, SESSION_COOKIE } from '../services/auth.service.ts';
import { ServiceError } from '../services/errors.ts';
import type { WorkOrdersService } from '../services/work-orders.service.ts';
import type { ConsoleParts } from './console-parts.ts';
import { parseCookies } from './cookies.ts';
import { drillRoutes } from './drill.routes.ts';
import { toErrorBody } from './errors.ts';
import { handoverRoutes } from './handover.routes.ts';
import { siteRoutes } from './site.routes.ts';
import { telemetryRoutes } from './telemetry.routes.ts';

export interface AppDeps {
  readonly db: Db;
  readonly auth: AuthService;
  readonly workOrders: WorkOrdersService;
  readonly siteName: string;
  readonly demo: DemoAccount | undefined;
  readonly metrics: readonly Registry[];
  readonly consoleDir: string | undefined;
  readonly ready: () => boolean;
  readonly log: Logger;
  readonly secureCookies: boolean;
  /** Site map, telemetry and handover (the console's own routes). */
  readonly consoleParts: ConsoleParts;
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ServiceError('VALIDATION', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

const sessionToken = (request: FastifyRequest) => parseCookies(request.headers.cookie)[SESSION_COOKIE];

export async function buildApp(deps: AppDeps) {
  // Fastify's own request logging stays off: failures are logged below, with our logger.
  const log = deps.log.child({ module: 'server.http' });
  const app = Fastify({ bodyLimit: 1024 * 1024 });
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

  app.get('/api/v1/info', async () => ({ siteName: deps.siteName, demo: deps.demo ?? null }));
  app.post('/api/v1/session', async (request, reply) => {
    const { username, password } = parseBody(loginRequestSchema, request.body);
    const { user, token } = await deps.auth.login(username, password, request.ip);
    const secure = deps.secureCookies ? '; Secure' : '';
    reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${12 * 3600}${secure}`);
    return { user };
  });
  app.delete('/api/v1/session', async (request, reply) => {
    await deps.auth.logout(sessionToken(request));
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.status(204).send();
  });
  app.get('/api/v1/me', async (request) => {
    const user = await currentUser(request);
    if (user === undefined) throw new ServiceError('UNAUTHENTICATED', 'log in first');
    return { user };
  });
  app.get('/api/v1/board', async (request) => deps.workOrders.board(await currentUser(request)));
  app.post<{ Params: { id: string } }>('/api/v1/work-orders/:id/acknowledge', async (request) => {
    if (!/^\d+$/.test(request.params.id)) throw new ServiceError('VALIDATION', 'id: a work order id');
    return { workOrder: await deps.workOrders.acknowledge(await currentUser(request), request.params.id) };
  });
  app.get('/api/v1/dead-letters', async (request) => {
    const user = await currentUser(request);
    if (user === undefined) throw new ServiceError('UNAUTHENTICATED', 'log in first');
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
  await app.register(siteRoutes(deps));
  await app.register(telemetryRoutes(deps));
  await app.register(handoverRoutes(deps));
  await app.register(drillRoutes(deps));
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
