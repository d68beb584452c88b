import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, configSchema, type SiteFile } from '@dutyroom/domain';
import { createIngestMetrics, type IngestMetrics, type RunningIngest, startIngest } from '@dutyroom/ingest';
import { startEmbeddedBroker } from '@dutyroom/launcher';
import { createLogger, type Db, type Logger, openDatabase } from '@dutyroom/platform';
import { type RunningServer, startServer } from '@dutyroom/server';
import { type DrillRunner, startDrillRunner } from '@dutyroom/simulators';
import pg from 'pg';
import type { BenchClock } from './clock.ts';

/**
 * The real parts of the product, each started and stopped on its own as `launcher/src/stack.ts`
 * composes them: broker, database, ingest (`startIngest`), server (`startServer`), drill runner.
 * A "restart" of the ingest or the server is a clean stop and a new start in this process, on the
 * same database and broker (persistent MQTT sessions, the same client ids).
 */
export type BrokerChoice = { readonly kind: 'url'; readonly url: string } | { readonly kind: 'mosquitto' } | { readonly kind: 'aedes' };
export type DbChoice = { readonly kind: 'pglite' } | { readonly kind: 'postgres'; readonly url: string };

export interface BenchParts {
  readonly mqttUrl: string;
  readonly db: Db;
  readonly config: Config;
  readonly metrics: IngestMetrics;
  readonly ingest: RunningIngest;
  readonly server: RunningServer;
  readonly drillRunner: DrillRunner;
  restartIngest(): Promise<void>;
  restartServer(): Promise<void>;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A private Mosquitto on an ephemeral port with no queue-count limit (deploy/mosquitto's loss settings). */
async function privateMosquitto(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'dutyroom-noise-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'm.conf'),
    `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 100\nset_tcp_nodelay true\nlog_dest none\n`,
  );
  const child: ChildProcess = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'm.conf')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await listening(port)); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startBenchParts(options: {
  site: SiteFile;
  broker: BrokerChoice;
  db: DbChoice;
  schema: string;
  clock: BenchClock;
  logLevel: string;
}): Promise<BenchParts> {
  const { site, clock } = options;
  const siteId = site.site.id;
  const stops: (() => Promise<void>)[] = [];
  let mqttUrl: string;
  if (options.broker.kind === 'url') mqttUrl = options.broker.url;
  else if (options.broker.kind === 'mosquitto') {
    const broker = await privateMosquitto();
    stops.push(() => broker.stop());
    mqttUrl = broker.url;
  } else {
    const broker = await startEmbeddedBroker('127.0.0.1', 0);
    stops.push(() => broker.close());
    mqttUrl = broker.url;
  }
  const config = configSchema.parse({
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { url: mqttUrl },
    database: options.db.kind === 'postgres' ? { url: options.db.url, schema: options.schema } : {},
    ingest: { clientId: `${siteId}-ingest` },
    server: { clientId: `${siteId}-server` },
    demo: true,
    logLevel: options.logLevel,
  });
  const log: Logger = createLogger(config.logLevel);
  const db = await openDatabase(config, { inMemory: true });
  stops.push(async () => {
    await db.close();
    if (options.db.kind !== 'postgres') return;
    const client = new pg.Client({ connectionString: options.db.url });
    await client.connect();
    await client.query(`drop schema if exists ${options.schema} cascade`);
    await client.end();
  });
  // One registry across restarts: the bench reads how far the ingest is behind the simulator.
  const metrics = createIngestMetrics();
  // The host clock: the ingest's timers and the server run on the bench clock (with its jump).
  const now = clock.jumpedNow;
  const newIngest = () => startIngest({ config, mqttUrl, db, site, log, metrics, now });
  const newServer = () => startServer({ config, db, site, mqttUrl, log, now, extraMetrics: [metrics.registry] });
  let ingest = await newIngest();
  let server = await newServer();
  const drillRunner = await startDrillRunner({ site, connection: { url: mqttUrl }, clientId: `${siteId}-drill-runner` });
  return {
    mqttUrl,
    db,
    config,
    metrics,
    get ingest() {
      return ingest;
    },
    get server() {
      return server;
    },
    drillRunner,
    async restartIngest() {
      await ingest.stop();
      ingest = await newIngest();
    },
    async restartServer() {
      await server.stop();
      server = await newServer();
    },
    async stop() {
      await drillRunner.stop().catch(() => undefined);
      await server.stop().catch(() => undefined);
      await ingest.stop().catch(() => undefined);
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    },
  };
}
