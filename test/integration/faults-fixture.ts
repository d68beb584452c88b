import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, INCIDENT_RULE, LIFE_SAFETY_RULES, type SiteFile, topics } from '@dutyroom/domain';
import { createLogger, type Db, openDatabase, parseSiteFile } from '@dutyroom/platform';
import { type RunningServer, startServer } from '@dutyroom/server';
import mqtt, { type MqttClient } from 'mqtt';
import { uniqueName, waitFor } from '../harness/servers.ts';

/**
 * The fault suites' shared parts: a site of water meters (every other unit vacant, so each vacant
 * unit raises exactly one `vacant-unit-water` anomaly that stays open), a QoS 1 stream that records
 * what the broker acknowledged, the ingest as a child process (kill -9 is real), the server in
 * process, and the count of sent, stored, lost and duplicated.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function faultSiteYaml(siteId: string, units: number): string {
  const lines = [
    `site: { id: ${siteId}, name: 故障演练小区 }`,
    'people: [{ id: wang, name: 王管家, role: steward }]',
    'grids: [{ id: g1, name: 一网格, steward: wang }]',
    'buildings: [{ id: "1", name: 1栋, kind: high-rise, floors: 30, grid: g1 }]',
    'units:',
  ];
  for (let u = 0; u < units; u++)
    lines.push(
      `  - { id: "1-1-${1001 + u}", building: "1", floor: ${1 + (u % 30)}, occupancy: ${u % 2 === 0 ? 'vacant' : 'occupied'}, devices: [{ id: wm-${u}, kind: water-meter }] }`,
    );
  return `${lines.join('\n')}\n`;
}

export interface FaultSite {
  readonly siteId: string;
  readonly schema: string;
  readonly site: SiteFile;
  readonly siteFile: string;
  readonly dir: string;
  readonly meters: number;
  readonly vacantUnits: readonly string[];
}

export async function faultSite(meters: number): Promise<FaultSite> {
  const siteId = uniqueName('f').replace(/_/g, '-');
  const dir = await mkdtemp(join(tmpdir(), 'dutyroom-fault-'));
  const yaml = faultSiteYaml(siteId, meters);
  const siteFile = join(dir, 'site.yaml');
  await writeFile(siteFile, yaml);
  const vacantUnits = Array.from({ length: meters }, (_, u) => u)
    .filter((u) => u % 2 === 0)
    .map((u) => `1-1-${1001 + u}`);
  return { siteId, schema: uniqueName('dutyroom_fault'), site: parseSiteFile(yaml), siteFile, dir, meters, vacantUnits };
}

/** A QoS 1 device stream, one reading per meter per round; `acked` holds what the broker acknowledged. */
export interface Stream {
  readonly acked: Set<string>;
  readonly sent: () => number;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export async function startStream(url: string, site: FaultSite, options: { rounds: number; roundMs: number }): Promise<Stream> {
  const client: MqttClient = await mqtt.connectAsync(url, { clientId: uniqueName('fault-devices'), clean: false, reconnectPeriod: 250 });
  const acked = new Set<string>();
  let sent = 0;
  let stopped = false;
  const done = (async () => {
    for (let round = 0; round < options.rounds && !stopped; round++) {
      const started = Date.now();
      const publishes: Promise<unknown>[] = [];
      for (let m = 0; m < site.meters; m++) {
        const ts = started + m; // unique per (device, ts): the telemetry key
        // Vacant units use 50 L a round (each raises or repeats its anomaly); occupied units none.
        const total = m % 2 === 0 ? 10 + round * 0.05 : 10;
        const key = `wm-${m}|${ts}`;
        sent++;
        publishes.push(
          client
            .publishAsync(topics.deviceMessage(site.siteId, `wm-${m}`, 'reading'), JSON.stringify({ ts, total, seq: round }), { qos: 1 })
            .then(() => acked.add(key))
            .catch(() => undefined),
        );
      }
      await Promise.all(publishes);
      const wait = options.roundMs - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    acked,
    sent: () => sent,
    done,
    async stop() {
      stopped = true;
      await done.catch(() => undefined);
      await client.endAsync();
    },
  };
}

export interface FaultCounts {
  sent: number;
  acknowledged: number;
  stored: number;
  lost: number;
  duplicated: number;
  anomalies: number;
  duplicatedAnomalies: number;
  missingAnomalies: number;
  workOrders: number;
  duplicatedWorkOrders: number;
  /**
   * Anomalies that should each have one work order (issue 14): standalone ones, incidents, and the
   * life-safety members of an incident; a member of any other rule's incident has none of its own.
   */
  dispatchable: number;
}

/** Telemetry, anomalies and work orders of the site, compared with what the broker acknowledged. */
export async function countOutcome(db: Db, site: FaultSite, stream: Stream, storedKeys?: Set<string>): Promise<FaultCounts> {
  const stored =
    storedKeys ??
    new Set(
      (
        await db.query<{ k: string }>(
          `select device_id || '|' || (extract(epoch from ts) * 1000)::bigint as k from telemetry where site_id = $1 and kind = 'water.total'`,
          [site.siteId],
        )
      ).rows.map((r) => r.k),
    );
  const rows = (await db.query<{ n: number }>(`select count(*)::int as n from telemetry where site_id = $1`, [site.siteId])).rows[0]?.n ?? 0;
  const lost = [...stream.acked].filter((k) => !stored.has(k)).length;
  const storedOfStream = stream.acked.size - lost;
  const anomalies = (
    await db.query<{ rule: string; subject: string; n: number }>(`select rule, subject, count(*)::int as n from anomalies where site_id = $1 group by 1, 2`, [
      site.siteId,
    ])
  ).rows;
  const vacantRaised = new Set(anomalies.filter((a) => a.rule === 'vacant-unit-water').map((a) => a.subject));
  const orders = (
    await db.query<{ n: number }>(
      `select count(*)::int as n from work_orders w join anomalies a on a.id = w.anomaly_id where a.site_id = $1 group by w.anomaly_id`,
      [site.siteId],
    )
  ).rows;
  const dispatchable =
    (
      await db.query<{ n: number }>(
        `select count(*)::int as n from anomalies a where a.site_id = $1 and (
           (a.rule = $2 and not (a.evidence->>'memberRule' = any($3::text[])))
           or (a.rule <> $2 and (a.incident_id is null or a.split_at is not null or a.rule = any($3::text[]))))`,
        [site.siteId, INCIDENT_RULE, LIFE_SAFETY_RULES],
      )
    ).rows[0]?.n ?? 0;
  return {
    dispatchable,
    sent: stream.sent(),
    acknowledged: stream.acked.size,
    stored: storedOfStream,
    lost,
    // The telemetry key (device, kind, ts) makes a stored duplicate impossible; counted anyway.
    duplicated: rows - stored.size,
    anomalies: anomalies.reduce((sum, a) => sum + a.n, 0),
    duplicatedAnomalies: anomalies.reduce((sum, a) => sum + a.n - 1, 0),
    missingAnomalies: site.vacantUnits.filter((u) => ![...vacantRaised].some((s) => s.includes(u))).length,
    workOrders: orders.reduce((sum, o) => sum + o.n, 0),
    duplicatedWorkOrders: orders.reduce((sum, o) => sum + o.n - 1, 0),
  };
}

/** An ingest worker as a child process (`node --import tsx ingest/src/main.ts`), so it can be killed with -9. */
export interface ChildIngest {
  readonly child: ChildProcess;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export function spawnIngest(env: Record<string, string>, logFile: string): ChildIngest {
  const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', DUTYROOM_HTTP_HOST: '127.0.0.1', DUTYROOM_INGEST_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    async kill9() {
      child.kill('SIGKILL');
      await exited();
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited();
      clearTimeout(timer);
    },
  };
}

export function ingestEnv(site: FaultSite, mqttUrl: string, databaseUrl: string, workerId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MQTT_URL: mqttUrl,
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: site.schema,
    DUTYROOM_SITE_FILE: site.siteFile,
    DUTYROOM_INGEST_CLIENT_ID: `${site.siteId}-ingest`,
    DUTYROOM_INGEST_LEASES: 'true',
    DUTYROOM_INGEST_LEASE_CHECK_MS: '500',
    DUTYROOM_WORKER_ID: workerId,
    ...extra,
  };
}

/** The server in process on the same broker and database: it turns the anomalies into work orders. */
export async function startFaultServer(
  site: FaultSite,
  mqttUrl: string,
  databaseUrl: string,
  extra: Record<string, unknown> = {},
): Promise<{ server: RunningServer; db: Db }> {
  const config = configSchema.parse({
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { url: mqttUrl },
    database: { url: databaseUrl, schema: site.schema },
    server: { clientId: `${site.siteId}-server-${uniqueName('s')}` },
    logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    dataDir: site.dir,
    ...extra,
  });
  const db = await openDatabase(config);
  const server = await startServer({ config, db, site: site.site, mqttUrl, log: createLogger(config.logLevel), sweepEveryMs: 1000, slaTickEveryMs: 1000 });
  return { server, db };
}

/**
 * Until a worker has subscribed: probes of an occupied meter (no anomaly) until one is stored. A
 * message published before the site's first subscription ever existed reaches nobody, as MQTT says.
 */
export async function untilIngesting(url: string, db: Db, site: FaultSite, timeoutMs = 40_000): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: uniqueName('fault-probe'), clean: true });
  try {
    const since = Date.now();
    await waitFor(
      async () => {
        await client.publishAsync(topics.deviceMessage(site.siteId, 'wm-1', 'reading'), JSON.stringify({ ts: Date.now(), total: 10 }), { qos: 1 });
        const { rows } = await db.query<{ n: number }>(
          `select count(*)::int as n from telemetry where site_id = $1 and device_id = 'wm-1' and ts >= to_timestamp($2 / 1000.0)`,
          [site.siteId, since],
        );
        await new Promise((r) => setTimeout(r, 200));
        return (rows[0]?.n ?? 0) > 0;
      },
      'an ingest worker subscribed',
      timeoutMs,
    );
  } finally {
    await client.endAsync();
  }
}

/** Waits until every acknowledged reading is stored and every anomaly has its work order. */
export async function settle(db: Db, site: FaultSite, stream: Stream, timeoutMs = 60_000): Promise<FaultCounts> {
  let last: FaultCounts | undefined;
  try {
    return await waitFor(
      async () => {
        last = await countOutcome(db, site, stream);
        return last.lost === 0 && last.missingAnomalies === 0 && last.workOrders >= last.dispatchable ? last : undefined;
      },
      'every acknowledged reading stored and every anomaly with its work order',
      timeoutMs,
    );
  } catch (error) {
    const dead = (await db.query('select reason, count(*)::int as n from dead_letters group by 1')).rows;
    const stored = new Set(
      (
        await db.query<{ k: string }>(`select device_id || '|' || (extract(epoch from ts) * 1000)::bigint as k from telemetry where site_id = $1`, [
          site.siteId,
        ])
      ).rows.map((r) => r.k),
    );
    const missing = [...stream.acked].filter((k) => !stored.has(k)).sort((a, b) => Number(a.split('|')[1]) - Number(b.split('|')[1]));
    console.log('fault outcome when giving up', last, { dead, missing: missing.slice(0, 100) });
    throw error;
  }
}

export const report = (fault: string, counts: FaultCounts & Record<string, unknown>) => console.log(`[fault] ${fault}: ${JSON.stringify(counts)}`);
