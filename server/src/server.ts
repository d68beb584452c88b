import type { Server as HttpServer } from 'node:http';
import { type Config, indexSite, type SiteFile } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { buildApp } from './http/app.ts';
import { type AnomalyFollower, startAnomalyFollower } from './jobs/anomaly-follower.ts';
import { type Notify, startNotify } from './notify/index.ts';
import { attachRealtime, createBroadcast, createConsoleChannel, type RealtimeServer, refreshGridRooms } from './realtime/gateway.ts';
import { syncSite } from './repositories/site.repository.ts';
import { workOrdersRepository } from './repositories/work-orders.repository.ts';
import { createGridScope } from './services/access.ts';
import { createAuthService, type DemoAccount } from './services/auth.service.ts';
import { createRosterService } from './services/roster.service.ts';
import { createStewardService } from './services/steward.service.ts';
import { type Broadcast, createWorkOrdersService, type WorkOrdersService } from './services/work-orders.service.ts';

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
  /** How often push escalations and delivery retries are looked for. */
  readonly notifyTickMs?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly demo: DemoAccount | undefined;
  readonly io: RealtimeServer;
  readonly workOrders: WorkOrdersService;
  readonly follower: AnomalyFollower;
  readonly notify: Notify;
  /** Every HTTP route (method, URL pattern), for the access suite. */
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
  const demoAccounts = config.demo ? await auth.ensureDemoAccounts(deps.site) : [];
  const demo = demoAccounts[0];
  let io: RealtimeServer | undefined;
  const roster = createRosterService({
    db,
    site: deps.site,
    now,
    onChange: () => {
      if (io !== undefined) refreshGridRooms(io, scope, site.siteId).catch((error: unknown) => log.error({ err: error }, 'grid rooms not refreshed'));
    },
  });
  const scope = createGridScope({ siteId: site.siteId, roster: roster.current, now });
  const notify = await startNotify({
    db,
    site: deps.site,
    index: site,
    roster,
    scope,
    console: () => {
      if (io === undefined) throw new Error('server not started');
      return createConsoleChannel(io, site.siteId);
    },
    now,
    log,
    ...(deps.notifyTickMs === undefined ? {} : { tickMs: deps.notifyTickMs }),
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  let workOrders: WorkOrdersService | undefined;
  let ready = false;
  const unitsWithValve = new Set(deps.site.units.filter((u) => u.devices.some((d) => d.kind === 'water-meter' && d.hasValve)).map((u) => u.id));
  const routes: { method: string; url: string }[] = [];
  const app = await buildApp({
    routes,
    db,
    auth,
    get workOrders() {
      if (workOrders === undefined) throw new Error('server not started');
      return workOrders;
    },
    siteName: deps.site.site.name,
    demo,
    demoAccounts,
    siteId: site.siteId,
    accounts: {
      roster,
      steward: createStewardService({ db, site, scope, roster }),
      notifier: () => notify.notifier,
      vapidPublicKey: () => notify.vapidPublicKey,
      findWorkOrder: (id) => workOrdersRepository.find(db, id),
    },
    metrics: [registry, ...(deps.extraMetrics ?? [])],
    consoleDir: deps.consoleDir,
    ready: () => ready,
    log,
    secureCookies: false,
  });
  io = attachRealtime(app.server as HttpServer, {
    auth,
    workOrders: () => {
      if (workOrders === undefined) throw new Error('server not started');
      return workOrders;
    },
    notifier: () => notify.notifier,
    scope,
    siteId: site.siteId,
    log: log.child({ module: 'server.realtime' }),
  });
  const realtime = io;
  workOrders = createWorkOrdersService({
    db,
    site,
    broadcast: withPushes(createBroadcast(realtime, site), notify, log),
    now,
    log: log.child({ module: 'server.work-orders' }),
    unitsWithValve,
  });

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
  ready = true;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;

  return {
    url: `http://${host}:${port}`,
    port,
    demo,
    io: realtime,
    workOrders,
    follower,
    notify,
    routes,
    async stop() {
      ready = false;
      await follower.stop();
      await notify.stop();
      await io.close();
      await app.close();
    },
  };
}

/** Every committed anomaly change also goes to the notifier (SPEC §7), after the consoles. */
function withPushes(base: Broadcast, notify: Notify, log: Logger): Broadcast {
  return {
    workOrder: base.workOrder,
    anomaly(anomaly) {
      base.anomaly(anomaly);
      notify.notifier.onAnomaly(anomaly).catch((error: unknown) => log.error({ err: error, anomalyId: anomaly.id }, 'push not opened'));
    },
  };
}
