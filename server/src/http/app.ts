import { existsSync } from 'node:fs';
import type { UserDto } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { AuditService } from '../services/audit.service.ts';
import type { AuthService, DemoAccount } from '../services/auth.service.ts';
import { ServiceError } from '../services/errors.ts';
import type { IncidentsService } from '../services/incidents.service.ts';
import { MAX_PHOTO_BYTES, type PhotosService } from '../services/photos.service.ts';
import type { ReportsService } from '../services/reports.service.ts';
import type { ReturnVisitsService } from '../services/return-visits.service.ts';
import type { SiteConfigService } from '../services/site-config.service.ts';
import type { ValveService } from '../services/valve.service.ts';
import type { WorkOrderClocks } from '../services/work-order-clocks.service.ts';
import type { WorkOrdersService } from '../services/work-orders.service.ts';
import type { AccountsDeps } from './accounts-shared.ts';
import { authRoutes } from './auth.routes.ts';
import { boardRoutes } from './board.routes.ts';
import type { ConsoleParts } from './console-parts.ts';
import { deadLetterRoutes } from './dead-letters.routes.ts';
import { drillRoutes } from './drill.routes.ts';
import { toErrorBody } from './errors.ts';
import { handoverRoutes } from './handover.routes.ts';
import { incidentRoutes } from './incidents.routes.ts';
import { buildOpenApi } from './openapi.ts';
import { photoRoutes } from './photos.routes.ts';
import { pushRoutes } from './push.routes.ts';
import { reportRoutes } from './reports.routes.ts';
import { returnVisitRoutes } from './return-visits.routes.ts';
import { rosterRoutes } from './roster.routes.ts';
import { createRouter, type RegisteredRoute } from './router.ts';
import { sessionRoutes } from './session.routes.ts';
import { sessionToken } from './session-token.ts';
import { siteRoutes } from './site.routes.ts';
import { siteConfigRoutes } from './site-config.routes.ts';
import { stewardRoutes } from './steward.routes.ts';
import { systemRoutes } from './system.routes.ts';
import { telemetryRoutes } from './telemetry.routes.ts';
import { usersRoutes } from './users.routes.ts';
import { valveRoutes } from './valve.routes.ts';
import { workOrderRoutes } from './work-orders.routes.ts';

export interface AppServices {
  readonly workOrders: WorkOrdersService;
  readonly clocks: WorkOrderClocks;
  readonly valves: ValveService;
  readonly returnVisits: ReturnVisitsService;
  readonly reports: ReportsService;
  readonly audit: AuditService;
  readonly photos: PhotosService;
  readonly siteConfig: SiteConfigService;
  readonly incidents: IncidentsService;
}

export interface AppDeps {
  readonly db: Db;
  readonly auth: AuthService;
  readonly services: () => AppServices;
  readonly siteName: string;
  readonly demo: DemoAccount | undefined;
  readonly demoAccounts: readonly DemoAccount[];
  readonly siteId: string;
  readonly accounts: AccountsDeps;
  readonly metrics: readonly Registry[];
  readonly consoleDir: string | undefined;
  readonly ready: () => boolean;
  readonly log: Logger;
  readonly secureCookies: boolean;
  /** Site map, telemetry and handover (the console's own routes). */
  readonly consoleParts: ConsoleParts;
}

/** The HTTP edge: one router per resource, one validation helper, one error mapper, the OpenAPI document. */
export async function buildApp(deps: AppDeps) {
  // Fastify's own request logging stays off: failures are logged below, with our logger.
  const log = deps.log.child({ module: 'server.http' });
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 5, parts: 6 } });
  const currentUser = (request: FastifyRequest): Promise<UserDto | undefined> => deps.auth.userForToken(sessionToken(request));

  app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
    const { status, error: body } = toErrorBody(error);
    if (status >= 500) log.error({ err: error, url: request.url }, 'request failed');
    return reply.status(status).send({ error: body });
  });

  const router = createRouter(app, currentUser, deps.siteId);
  const services = deps.services;
  systemRoutes(router, deps);
  sessionRoutes(router, deps);
  boardRoutes(router, { db: deps.db, siteId: deps.siteId, workOrders: () => services().workOrders });
  deadLetterRoutes(router, { db: deps.db, siteId: deps.siteId });
  incidentRoutes(router, { incidents: () => services().incidents });
  valveRoutes(router, { valves: () => services().valves });
  workOrderRoutes(router, { workOrders: () => services().workOrders, clocks: () => services().clocks });
  photoRoutes(router, { photos: () => services().photos });
  returnVisitRoutes(router, { returnVisits: () => services().returnVisits });
  reportRoutes(router, { reports: () => services().reports, audit: () => services().audit });
  authRoutes(router, deps);
  pushRoutes(router, { ...deps.accounts, db: deps.db, siteId: deps.siteId });
  rosterRoutes(router, deps.accounts);
  stewardRoutes(router, deps.accounts);
  usersRoutes(router, deps.accounts);

  let document: ReturnType<typeof buildOpenApi> | undefined;
  router.route(
    {
      method: 'GET',
      url: '/api/v1/openapi.json',
      summary: 'This API, described as OpenAPI 3.1 from the schemas that validate it',
      tag: 'system',
      public: true,
      response: z.unknown(),
    },
    async () => {
      document ??= buildOpenApi(router.routes, { title: `Dutyroom API (${deps.siteName})`, version: '1' });
      return document;
    },
  );

  siteRoutes(router, deps);
  siteConfigRoutes(router, { siteConfig: () => services().siteConfig });
  telemetryRoutes(router, deps);
  handoverRoutes(router, deps);
  drillRoutes(router, deps);
  app.all('/api/*', async () => {
    throw new ServiceError('NOT_FOUND', 'no such API route; see /api/v1/openapi.json');
  });

  if (deps.consoleDir !== undefined && existsSync(deps.consoleDir)) {
    await app.register(fastifyStatic, { root: deps.consoleDir, wildcard: false });
    // The console is a single-page app: unknown paths get its shell.
    app.setNotFoundHandler((_request, reply) => reply.sendFile('index.html'));
  }
  const routes: readonly RegisteredRoute[] = router.routes;
  return { app, routes };
}
