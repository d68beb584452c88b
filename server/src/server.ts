import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { type Config, indexSite, type SiteFile } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { type AppServices, buildApp } from './http/app.ts';
import { type AnomalyFollower, startAnomalyFollower } from './jobs/anomaly-follower.ts';
import { type SlaTicker, startSlaTicker } from './jobs/sla-ticker.ts';
import { createBroadcast, createLateBroadcast } from './realtime/broadcast.ts';
import { attachRealtime, type RealtimeServer } from './realtime/gateway.ts';
import { attachRedisAdapter } from './realtime/redis-adapter.ts';
import { createPhotoStore } from './repositories/photo-store.fs.ts';
import { syncSite } from './repositories/site.repository.ts';
import { createAuditService } from './services/audit.service.ts';
import { createAuthService, type DemoAccount } from './services/auth.service.ts';
import { createDirectory } from './services/directory.ts';
import { createEscalations, type Escalations } from './services/escalations.ts';
import { createPhotosService } from './services/photos.service.ts';
import { createReportsService } from './services/reports.service.ts';
import { createReturnVisitsService } from './services/return-visits.service.ts';
import { createWorkOrderClocks } from './services/work-order-clocks.service.ts';
import type { WorkOrdersContext } from './services/work-orders.context.ts';
import { createWorkOrdersService, type WorkOrdersService } from './services/work-orders.service.ts';

export interface ServerDeps {
  readonly config: Config;
  readonly db: Db;
  readonly site: SiteFile;
  readonly mqttUrl: string;
  readonly log: Logger;
  /** Built console (console/build); the API alone runs without it. */
  readonly consoleDir?: string | undefined;
  /** Other processes' registries served on /metrics too (the launcher adds the ingest's). */
  readonly extraMetrics?: readonly Registry[];
  readonly now?: () => number;
  readonly sweepEveryMs?: number;
  /** How often the SLA clocks are checked. */
  readonly slaTickEveryMs?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly demo: DemoAccount | undefined;
  readonly io: RealtimeServer;
  readonly workOrders: WorkOrdersService;
  readonly services: AppServices;
  readonly follower: AnomalyFollower;
  readonly slaTicker: SlaTicker;
  /** Subscribe here to send escalations out (web push, group robots): each is published once, after commit. */
  readonly escalations: Escalations;
  /** Every route the HTTP API serves (the OpenAPI test compares them). */
  readonly routes: readonly { method: string; url: string }[];
  stop(): Promise<void>;
}

export class PortInUseError extends Error {}

/** Composition of the server: the only place its adapters are constructed. */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const { config, db } = deps;
  const log = deps.log.child({ module: 'server' });
  const now = deps.now ?? Date.now;
  const site = indexSite(deps.site);
  await db.transaction((tx) => syncSite(tx, deps.site));

  const auth = createAuthService(db, now);
  const demo = config.demo ? (await auth.ensureDemoAccounts(site.siteId))[0] : undefined;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const broadcast = createLateBroadcast();
  const escalations = createEscalations(log.child({ module: 'server.escalations' }));
  const escalationCounter = new Counter({
    name: 'dutyroom_work_order_escalations_total',
    help: 'SLA warnings (level 0) and escalations fired by this process, by level',
    labelNames: ['kind', 'level'],
    registers: [registry],
  });
  escalations.subscribe((e) => {
    escalationCounter.inc({ kind: e.kind, level: String(e.level) });
  });
  const unitsWithValve = new Set(deps.site.units.filter((u) => u.devices.some((d) => d.kind === 'water-meter' && d.hasValve)).map((u) => u.id));
  const ctx: WorkOrdersContext = {
    db,
    site,
    siteFile: deps.site,
    policy: deps.site.workOrders,
    directory: createDirectory(deps.site),
    broadcast,
    escalations,
    now,
    log: log.child({ module: 'server.work-orders' }),
    unitsWithValve,
  };
  const workOrders = createWorkOrdersService(ctx);
  const services: AppServices = {
    workOrders,
    returnVisits: createReturnVisitsService(ctx),
    reports: createReportsService(ctx),
    audit: createAuditService(ctx),
    photos: createPhotosService(ctx, createPhotoStore(join(config.dataDir, 'server'))),
  };

  let ready = false;
  const { app, routes } = await buildApp({
    db,
    auth,
    services: () => services,
    siteName: deps.site.site.name,
    demo,
    metrics: [registry, ...(deps.extraMetrics ?? [])],
    consoleDir: deps.consoleDir,
    ready: () => ready,
    log,
    secureCookies: false,
  });
  const io = attachRealtime(app.server as HttpServer, {
    auth,
    workOrders: () => workOrders,
    siteId: site.siteId,
    log: log.child({ module: 'server.realtime' }),
  });
  // Several servers behind one address share socket.io rooms through Redis (docs/scaling.md).
  const redis = config.redis.url === undefined ? undefined : await attachRedisAdapter(io, config.redis.url, log.child({ module: 'server.redis' }));
  broadcast.attach(createBroadcast(io));

  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new PortInUseError(`HTTP port ${config.http.port} is taken by another program: set DUTYROOM_HTTP_PORT to a free port`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port;

  const follower = await startAnomalyFollower({
    mqtt: { ...config.mqtt, url: deps.mqttUrl },
    clientId: config.server.clientId,
    siteId: site.siteId,
    db,
    workOrders,
    log: log.child({ module: 'server.anomaly-follower' }),
    sweepEveryMs: deps.sweepEveryMs ?? 5000,
  });
  await follower.sweep();
  const slaTicker = startSlaTicker(createWorkOrderClocks(ctx), log.child({ module: 'server.sla-ticker' }), deps.slaTickEveryMs ?? 5000);
  ready = true;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;

  return {
    url: `http://${host}:${port}`,
    port,
    demo,
    io,
    workOrders,
    services,
    follower,
    slaTicker,
    escalations,
    routes: routes.map((r) => ({ method: r.method, url: r.url })),
    async stop() {
      ready = false;
      await slaTicker.stop();
      await follower.stop();
      await io.close();
      await redis?.close();
      await app.close();
    },
  };
}
