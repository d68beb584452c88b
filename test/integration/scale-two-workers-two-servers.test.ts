import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topics } from '@dutyroom/domain';
import { type Db, openPostgres } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleSocket, consoleSocket, devicePublisher, login } from '../harness/clients.ts';
import { freePort, redisAvailable } from '../harness/private-servers.ts';
import { available, servers, waitFor } from '../harness/servers.ts';
import { type FaultSite, faultSite, ingestEnv, spawnIngest } from './faults-fixture.ts';

/**
 * Beyond one machine, on this one: two ingest workers share two sites (one each, by lease) and two
 * server processes serve one site behind one address (socket.io Redis adapter). Each anomaly opens
 * exactly one work order, and a console on either server receives each change once.
 * The machine's Mosquitto, Redis and PostgreSQL (own schema).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const present = (await available('mosquitto')) && (await available('postgres'));
const redisUrl = present ? await redisAvailable() : undefined;

function spawnServer(site: FaultSite, port: number, name: string, redis: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      MQTT_URL: servers.mosquitto.url,
      DATABASE_URL: servers.postgres.url,
      DATABASE_SCHEMA: site.schema,
      DUTYROOM_SITE_FILE: site.siteFile,
      DUTYROOM_HTTP_HOST: '127.0.0.1',
      DUTYROOM_HTTP_PORT: String(port),
      DUTYROOM_SERVER_CLIENT_ID: `${site.siteId}-${name}`,
      DUTYROOM_DATA_DIR: join(site.dir, name),
      DUTYROOM_DEMO: 'true',
      REDIS_URL: redis,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(site.dir, `${name}.log`), { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

const stopChild = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });

describe.skipIf(!present || redisUrl === undefined)('two ingest workers and two servers', () => {
  let siteA: FaultSite;
  let siteB: FaultSite;
  let db: Db;
  let device: MqttClient;
  const children: ChildProcess[] = [];
  const ingestPorts: number[] = [];
  const serverUrls: string[] = [];
  const consoles: ConsoleSocket[] = [];

  beforeAll(async () => {
    siteA = await faultSite(6);
    siteB = await faultSite(6);
    // One schema for both sites: the workers share one database, as in production.
    siteB = { ...siteB, schema: siteA.schema };
    db = await openPostgres(servers.postgres.url, siteA.schema);
    const siteFiles = `${siteA.siteFile},${siteB.siteFile}`;
    for (const name of ['worker-1', 'worker-2']) {
      const port = await freePort();
      ingestPorts.push(port);
      const worker = spawnIngest(
        ingestEnv(siteA, servers.mosquitto.url, servers.postgres.url, name, {
          DUTYROOM_INGEST_SITE_FILES: siteFiles,
          DUTYROOM_INGEST_SITES_PER_WORKER: '1',
          DUTYROOM_INGEST_HTTP_PORT: String(port),
        }),
        join(siteA.dir, `${name}.log`),
      );
      children.push(worker.child);
    }
    for (const name of ['server-1', 'server-2']) {
      const port = await freePort();
      children.push(spawnServer(siteA, port, name, redisUrl as string));
      const url = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${url}/readyz`)).ok, `${name} ready`, 60_000);
      serverUrls.push(url);
    }
    for (const url of serverUrls) consoles.push(await consoleSocket(url, await login(url)));
    device = await devicePublisher(servers.mosquitto.url);
  }, 120_000);

  afterAll(async () => {
    for (const socket of consoles) socket.disconnect();
    await device?.endAsync();
    await Promise.all(children.map(stopChild));
    await db?.query(`drop schema if exists ${siteA.schema} cascade`).catch(() => undefined);
    await db?.close();
  });

  it('the workers split the sites; each anomaly opens one work order that both consoles receive once', async () => {
    // Each worker runs one site (fair share), reported on its /healthz.
    const owners = await waitFor(
      async () => {
        const health = await Promise.all(
          ingestPorts.map(async (p) => (await (await fetch(`http://127.0.0.1:${p}/healthz`)).json()) as { sites: { siteId: string }[] }),
        );
        const owned = health.map((h) => h.sites.map((s) => s.siteId));
        return owned.every((sites) => sites.length === 1) && new Set(owned.flat()).size === 2 ? owned : undefined;
      },
      'each worker running one site',
      60_000,
    );
    expect(owners.flat().sort()).toEqual([siteA.siteId, siteB.siteId].sort());

    // Two vacant units of each site use water: two anomalies per site.
    const t0 = Date.now();
    for (const site of [siteA, siteB])
      for (const meter of ['wm-0', 'wm-2'])
        for (let i = 0; i < 3; i++)
          await device.publishAsync(topics.deviceMessage(site.siteId, meter, 'reading'), JSON.stringify({ ts: t0 + i * 1000, total: 10 + i * 0.05, seq: i }), {
            qos: 1,
          });

    const anomalies = async (siteId: string) =>
      (await db.query<{ id: number; subject: string }>(`select id, subject from anomalies where site_id = $1 and rule = 'vacant-unit-water'`, [siteId])).rows;
    await waitFor(async () => (await anomalies(siteB.siteId)).length === 2, 'site B anomalies (the other worker)', 30_000);
    const anomaliesA = await waitFor(
      async () => {
        const rows = await anomalies(siteA.siteId);
        return rows.length === 2 ? rows : undefined;
      },
      'site A anomalies',
      30_000,
    );

    const orders = await waitFor(
      async () => {
        const { rows } = await db.query<{ id: number; anomaly_id: number }>(
          `select w.id, w.anomaly_id from work_orders w join anomalies a on a.id = w.anomaly_id where a.site_id = $1`,
          [siteA.siteId],
        );
        return rows.length >= 2 ? rows : undefined;
      },
      'work orders of site A',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2000)); // a second order or a late duplicate event would show by now
    const ordersNow = (
      await db.query<{ anomaly_id: number }>(`select w.anomaly_id from work_orders w join anomalies a on a.id = w.anomaly_id where a.site_id = $1`, [
        siteA.siteId,
      ])
    ).rows;
    expect(ordersNow.length).toBe(anomaliesA.length);
    expect(new Set(ordersNow.map((o) => Number(o.anomaly_id)))).toEqual(new Set(anomaliesA.map((a) => Number(a.id))));

    for (const [index, socket] of consoles.entries()) {
      const received = socket.workOrders.filter((w) => w.siteId === siteA.siteId);
      const ids = new Set(received.map((w) => w.id));
      expect(ids, `console on server ${index + 1}`).toEqual(new Set(orders.map((o) => String(o.id))));
      // Once each: no (order, version) pair twice, i.e. no process emitted a change another already had.
      const pairs = received.map((w) => `${w.id}@${w.version}`);
      expect(new Set(pairs).size, `console on server ${index + 1}: ${pairs.join(' ')}`).toBe(pairs.length);
    }
  }, 120_000);
});
