import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { type Config, detectors, rooms, type SiteFile } from '@dutyroom/domain';
import { type Db, type Logger, loadCurrentSite } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { type AppServices, buildApp } from './http/app.ts';
import type { ConsoleParts } from './http/console-parts.ts';
import { type AnomalyFollower, startAnomalyFollower } from './jobs/anomaly-follower.ts';
import { createOccupancyPublisher } from './jobs/occupancy-publisher.ts';
import { startSiteRevisionFollower } from './jobs/site-revision-follower.ts';
import { createSiteRevisionPublisher } from './jobs/site-revision-publisher.ts';
import { type SlaTicker, startSlaTicker } from './jobs/sla-ticker.ts';
import { type Notify, startNotify } from './notify/index.ts';
import { createBroadcast, createLateBroadcast } from './realtime/broadcast.ts';
import { createConsoleLive } from './realtime/console-live.ts';
import { attachRealtime, createConsoleChannel, type RealtimeServer, refreshGridRooms } from './realtime/gateway.ts';
import { attachRedisAdapter } from './realtime/redis-adapter.ts';
import { createPhotoStore } from './repositories/photo-store.fs.ts';
import { syncSite } from './repositories/site.repository.ts';
import { workOrdersRepository } from './repositories/work-orders.repository.ts';
import { createGridScope } from './services/access.ts';
import { createAuditService } from './services/audit.service.ts';
import { createAuthService, type DemoAccount } from './services/auth.service.ts';
import { createDigestService } from './services/digest.service.ts';
import { createDirectory } from './services/directory.ts';
import { createDrillService } from './services/drill.service.ts';
import { createEscalations, type Escalations } from './services/escalations.ts';
import { createHandoverService } from './services/handover.service.ts';
import { createIncidentsService } from './services/incidents.service.ts';
import { createLiveSite } from './services/live-site.ts';
import { createPhotosService } from './services/photos.service.ts';
import { createReportsService } from './services/reports.service.ts';
import { createReturnVisitsService } from './services/return-visits.service.ts';
import { createRosterService } from './services/roster.service.ts';
import { createSiteConfigService } from './services/site-config.service.ts';
import { applyOccupancyEdits, createSiteMapService } from './services/site-map.service.ts';
import { createSiteSetupService } from './services/site-setup.service.ts';
import { createStewardService } from './services/steward.service.ts';
import { createUsersService } from './services/users.service.ts';
import { createValveService } from './services/valve.service.ts';
import { createWorkOrderClocks } from './services/work-order-clocks.service.ts';
import { type Broadcast, dtoOf, type WorkOrdersContext } from './services/work-orders.context.ts';
import { createWorkOrdersService, type WorkOrdersService } from './services/work-orders.service.ts';
import { createTelemetryReader } from './telemetry/create-telemetry-reader.ts';
import { createTelemetryService } from './telemetry/telemetry.service.ts';

export interface ServerDeps {
  readonly config: Config;
  readonly db: Db;
  /** The site file: seeds revision 1 of the site document when the database has none (then the latest revision rules). */
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
  /** How often push escalations and delivery retries are looked for. */
  readonly notifyTickMs?: number;
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
  /** Pushes (SPEC §7): notifier, dispatcher, VAPID key; `tick()` runs due escalations and retries now. */
  readonly notify: Notify;
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
  // The latest revision of the site document is the truth; the file only seeds revision 1 (docs/configuration.md §Site data).
  const started = await loadCurrentSite(db, deps.site);
  const liveSite = createLiveSite(started.site, started.revision);
  const siteFile = liveSite.file;
  const site = liveSite.index;
  await db.transaction(async (tx) => {
    await syncSite(tx, started.site);
    await applyOccupancyEdits(tx, site.siteId);
  });

  const auth = createAuthService(db, now);
  const demoAccounts = config.demo ? await auth.ensureDemoAccounts(siteFile) : [];
  const demo = demoAccounts[0];
  let io: RealtimeServer | undefined;
  const roster = createRosterService({
    db,
    site: siteFile,
    now,
    onChange: () => {
      if (io !== undefined) refreshGridRooms(io, scope, site.siteId).catch((error: unknown) => log.error({ err: error }, 'grid rooms not refreshed'));
    },
  });
  const scope = createGridScope({ siteId: site.siteId, roster: roster.current, now });
  const notify = await startNotify({
    db,
    site: siteFile,
    index: site,
    roster,
    scope,
    console: () => {
      if (io === undefined) throw new Error('server not started');
      return createConsoleChannel(io, site.siteId);
    },
    now,
    log,
    // Read at each anomaly, so a dispatch edit applies without a restart (ctx is composed below).
    dispatch: () => ctx.policy.dispatch,
    ...(deps.notifyTickMs === undefined ? {} : { tickMs: deps.notifyTickMs }),
  });
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
  const valveUnits = (file: SiteFile) => file.units.filter((u) => u.devices.some((d) => d.kind === 'water-meter' && d.hasValve)).map((u) => u.id);
  const unitsWithValve = new Set(valveUnits(siteFile));
  let commandClient: MqttClient | undefined;
  const occupancy = createOccupancyPublisher({ db, siteId: site.siteId, client: () => commandClient, log: log.child({ module: 'server.occupancy' }) });
  const live = createConsoleLive(
    site.siteId,
    siteFile.grids.map((g) => g.id),
  );
  const telemetryReader = createTelemetryReader(config.influx, db);
  const consoleParts: Mutable<ConsoleParts> = {
    siteMap: createSiteMapService({
      db,
      site: siteFile,
      telemetry: telemetryReader,
      now,
      scope,
      onUnitChanged: (unit, gridId) => {
        live.emitForGrid(gridId)('unit:updated', unit);
        // The ingest judges the unit's meters by the edit from its next reading on.
        occupancy.publishUnit(unit.id).catch((error: unknown) => log.error({ err: error, unitId: unit.id }, 'occupancy edit not announced to the ingest'));
      },
    }),
    siteSetup: createSiteSetupService(siteFile, detectors),
    telemetry: createTelemetryService(telemetryReader, siteFile),
    handover: createHandoverService({ db, siteId: site.siteId, timezone: site.timezone, now, onNote: (note) => live.emit('handover:upserted', note) }),
    digest: createDigestService({ db, siteId: site.siteId, timezone: site.timezone, now }),
    drill: createDrillService({ db, site: siteFile, mqtt: { ...config.mqtt, url: deps.mqttUrl }, clientId: `${config.server.clientId}-drills`, now }),
    now,
  };
  const ctx: Mutable<WorkOrdersContext> = {
    db,
    site,
    siteFile,
    policy: siteFile.workOrders,
    directory: createDirectory(siteFile),
    broadcast: withPushes(broadcast, notify, log),
    escalations,
    now,
    log: log.child({ module: 'server.work-orders' }),
    unitsWithValve,
    scope,
  };
  const workOrders = createWorkOrdersService(ctx);
  const valveClosed = (orderId: string, commandId: string, by: string) => workOrders.valveClosed(orderId, commandId, by);
  // SLA escalations (物业跟随制) reach the person escalated to as pushes too.
  escalations.subscribe((event) => notify.notifier.onSlaEscalation(event));
  const clocks = createWorkOrderClocks(ctx);
  // Valve commands and occupancy edits go out on the anomaly follower's connection, which starts after the API.
  const services: Mutable<AppServices> = {
    workOrders,
    clocks,
    valves: createValveService({ db, site: siteFile, mqtt: () => commandClient, now, log: log.child({ module: 'server.valves' }), onCloseSent: valveClosed }),
    returnVisits: createReturnVisitsService(ctx),
    reports: createReportsService(ctx),
    audit: createAuditService(ctx),
    photos: createPhotosService(ctx, createPhotoStore(join(config.dataDir, 'server'))),
    siteConfig: createSiteConfigService({ db, initial: started.site, detectors, onSaved: (next, revision) => applyRevision(next, revision) }),
    incidents: createIncidentsService({
      db,
      siteId: site.siteId,
      broadcast,
      onAnomaly: (id) => workOrders.onAnomaly(id),
      now,
      log: log.child({ module: 'server.incidents' }),
    }),
  };
  const revisions = createSiteRevisionPublisher({ siteId: site.siteId, client: () => commandClient, now });
  /**
   * A new revision (console edit or import) takes effect without a restart: the live site views
   * follow it, tables derived from it are rebuilt, the relational mirror is synced, then the
   * ingest is told (it loads the revision from the database and swaps its pipeline).
   */
  async function applyRevision(next: SiteFile, revision: number): Promise<void> {
    if (revision <= liveSite.revision) return;
    liveSite.replace(next, revision);
    await db.transaction(async (tx) => {
      await syncSite(tx, next);
      await applyOccupancyEdits(tx, site.siteId);
    });
    consoleParts.siteSetup = createSiteSetupService(siteFile, detectors);
    ctx.directory = createDirectory(siteFile);
    ctx.policy = next.workOrders;
    unitsWithValve.clear();
    for (const id of valveUnits(next)) unitsWithValve.add(id);
    services.valves = createValveService({
      db,
      site: siteFile,
      mqtt: () => commandClient,
      now,
      log: log.child({ module: 'server.valves' }),
      onCloseSent: valveClosed,
    });
    if (io !== undefined) await refreshGridRooms(io, scope, site.siteId).catch((error: unknown) => log.error({ err: error }, 'grid rooms not refreshed'));
    await revisions.publish(revision).catch((error: unknown) => log.error({ err: error, revision }, 'site revision not announced to the ingest'));
    log.info({ revision }, 'site revision applied');
  }

  let ready = false;
  const { app, routes } = await buildApp({
    consoleParts,
    db,
    auth,
    services: () => services,
    siteName: siteFile.site.name,
    demo,
    demoAccounts,
    siteId: site.siteId,
    accounts: {
      roster,
      steward: createStewardService({ db, site, scope, roster, toDto: (record) => dtoOf(ctx, record) }),
      users: createUsersService({
        db,
        siteId: site.siteId,
        personIds: new Set(deps.site.people.map((p) => p.id)),
        // A disabled or demoted account's open consoles drop at once (on every server, through Redis).
        onSessionsEnded: (userId) => io?.in(rooms.user(userId)).disconnectSockets(true),
      }),
      notifier: () => notify.notifier,
      vapidPublicKey: () => notify.vapidPublicKey,
      findWorkOrder: async (id) => {
        const order = await workOrdersRepository.find(db, id);
        return order && { id: order.id, siteId: order.site_id, gridId: order.grid_id, assigneeId: order.assignee_id };
      },
    },
    metrics: [registry, ...(deps.extraMetrics ?? [])],
    consoleDir: deps.consoleDir,
    ready: () => ready,
    log,
    secureCookies: false,
  });
  const realtime = attachRealtime(app.server as HttpServer, {
    auth,
    workOrders: () => workOrders,
    notifier: () => notify.notifier,
    scope,
    siteId: site.siteId,
    log: log.child({ module: 'server.realtime' }),
  });
  // Several servers behind one address share socket.io rooms through Redis (docs/scaling.md).
  const redis = config.redis.url === undefined ? undefined : await attachRedisAdapter(realtime, config.redis.url, log.child({ module: 'server.redis' }));
  io = realtime;
  live.attach(realtime, now);
  broadcast.attach(createBroadcast(realtime, site));

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
    dispatch: () => ctx.policy.dispatch,
    now,
    log: log.child({ module: 'server.anomaly-follower' }),
    sweepEveryMs: deps.sweepEveryMs ?? 5000,
  });
  commandClient = follower.client;
  // Retained announcements can be lost with a broker's state: announce every stored edit again.
  await occupancy.publishAll();
  await revisions.publish(liveSite.revision);
  const revisionFollower = await startSiteRevisionFollower({
    mqtt: { ...config.mqtt, url: deps.mqttUrl },
    clientId: `${config.server.clientId}-site-${process.pid}-${port}`,
    siteId: site.siteId,
    db,
    current: () => liveSite.revision,
    apply: applyRevision,
    log: log.child({ module: 'server.site-revisions' }),
  });
  await follower.sweep();
  const slaTicker = startSlaTicker(clocks, log.child({ module: 'server.sla-ticker' }), deps.slaTickEveryMs ?? 5000);
  ready = true;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;

  return {
    url: `http://${host}:${port}`,
    port,
    demo,
    io: realtime,
    workOrders,
    services,
    follower,
    slaTicker,
    escalations,
    notify,
    routes: routes.map((r) => ({ method: r.method, url: r.url })),
    async stop() {
      ready = false;
      live.stop();
      await slaTicker.stop();
      await follower.stop();
      await revisionFollower.stop();
      await notify.stop();
      await consoleParts.drill.stop();
      await realtime.close();
      await redis?.close();
      await app.close();
    },
  };
}

/** Every committed anomaly change also goes to the notifier (SPEC §7), after the consoles. */
function withPushes(base: Broadcast, notify: Notify, log: Logger): Broadcast {
  return {
    ...base,
    workOrder: (w) => base.workOrder(w),
    escalation: (e) => base.escalation(e),
    returnVisit: (v) => base.returnVisit(v),
    anomaly(anomaly) {
      base.anomaly(anomaly);
      notify.notifier.onAnomaly(anomaly).catch((error: unknown) => log.error({ err: error, anomalyId: anomaly.id }, 'push not opened'));
    },
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
