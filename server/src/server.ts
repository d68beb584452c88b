import type { Server as HttpServer } from 'node:http';
import { type Config, indexSite, type SiteFile } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { buildApp } from './http/app.ts';
import { type AnomalyFollower, startAnomalyFollower } from './jobs/anomaly-follower.ts';
import { createConsoleLive } from './realtime/console-live.ts';
import { attachRealtime, createBroadcast, type RealtimeServer } from './realtime/gateway.ts';
import { syncSite } from './repositories/site.repository.ts';
import { createAuthService, type DemoAccount } from './services/auth.service.ts';
import { createDrillService } from './services/drill.service.ts';
import { createHandoverService } from './services/handover.service.ts';
import { applyOccupancyEdits, createSiteMapService } from './services/site-map.service.ts';
import { createWorkOrdersService, type WorkOrdersService } from './services/work-orders.service.ts';
import { createTelemetryReader } from './telemetry/create-telemetry-reader.ts';
import { createTelemetryService } from './telemetry/telemetry.service.ts';

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
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly demo: DemoAccount | undefined;
  readonly io: RealtimeServer;
  readonly workOrders: WorkOrdersService;
  readonly follower: AnomalyFollower;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {}

/** Composition of the server: the only place its adapters are constructed. */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const { config, db } = deps;
  const log = deps.log.child({ module: 'server' });
  const now = deps.now ?? Date.now;
  const site = indexSite(deps.site);
  await db.transaction(async (tx) => {
    await syncSite(tx, deps.site);
    await applyOccupancyEdits(tx, site.siteId);
  });

  const auth = createAuthService(db, now);
  const demo = config.demo ? (await auth.ensureDemoAccounts(site.siteId))[0] : undefined;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  let workOrders: WorkOrdersService | undefined;
  let ready = false;
  const unitsWithValve = new Set(deps.site.units.filter((u) => u.devices.some((d) => d.kind === 'water-meter' && d.hasValve)).map((u) => u.id));
  const live = createConsoleLive(site.siteId);
  const telemetryReader = createTelemetryReader(config.influx, db);
  const consoleParts = {
    siteMap: createSiteMapService({ db, site: deps.site, telemetry: telemetryReader, now, onUnitChanged: (unit) => live.emit('unit:updated', unit) }),
    telemetry: createTelemetryService(telemetryReader, deps.site),
    handover: createHandoverService({ db, siteId: site.siteId, timezone: site.timezone, now, onNote: (note) => live.emit('handover:upserted', note) }),
    drill: createDrillService({ db, site: deps.site, mqtt: { ...config.mqtt, url: deps.mqttUrl }, telemetry: telemetryReader, now }),
    now,
  };
  const app = await buildApp({
    consoleParts,
    db,
    auth,
    get workOrders() {
      if (workOrders === undefined) throw new Error('server not started');
      return workOrders;
    },
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
    workOrders: () => {
      if (workOrders === undefined) throw new Error('server not started');
      return workOrders;
    },
    siteId: site.siteId,
    log: log.child({ module: 'server.realtime' }),
  });
  live.attach(io, now);
  workOrders = createWorkOrdersService({ db, site, broadcast: createBroadcast(io), now, log: log.child({ module: 'server.work-orders' }), unitsWithValve });

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
    io,
    workOrders,
    follower,
    async stop() {
      ready = false;
      live.stop();
      await follower.stop();
      await io.close();
      await app.close();
    },
  };
}
