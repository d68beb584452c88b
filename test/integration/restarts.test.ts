import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '@dutyroom/domain';
import { type Product, startProduct } from '@dutyroom/launcher';
import { createLogger } from '@dutyroom/platform';
import { generateCommunitySite } from '@dutyroom/simulators';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servers, uniqueName, waitFor } from '../harness/servers.ts';

/**
 * Issue 14, "restarts are invisible": the product as `npm start` runs it (launcher's stack + the
 * demo simulator) on one data directory, stopped and started again three times. The wall (open and
 * cleared anomalies) and the work-order list stay exactly as they were, apart from what the devices
 * themselves cause meanwhile (a worn battery reporting low for the first time). Before the fix
 * every meter's register went back to its initial total on a restart: one counter-backwards
 * anomaly and one work order per meter.
 */

const INTERVAL_SECONDS = 2;
/** What a restart, not a device, would raise. */
const RESTART_RULES = ['counter-backwards', 'meter-jump', 'device-offline', 'gateway-offline'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Wall {
  readonly anomalies: { id: string; rule: string; subject: string; status: string; device_id: string | null }[];
  readonly workOrders: { id: string; anomaly_id: string | null; status: string }[];
}

async function wallOf(product: Product, siteId: string): Promise<Wall> {
  const db = product.stack.db;
  const anomalies = await db.query<Wall['anomalies'][number]>(
    'select id::text, rule, subject, status, device_id from anomalies where site_id = $1 order by id',
    [siteId],
  );
  const workOrders = await db.query<Wall['workOrders'][number]>('select id::text, anomaly_id::text, status from work_orders where site_id = $1 order by id', [
    siteId,
  ]);
  return { anomalies: anomalies.rows, workOrders: workOrders.rows };
}

const setups = [
  { name: 'npm start: embedded broker, PGlite in the data directory', broker: 'aedes', db: 'pglite' },
  { name: 'Mosquitto and PostgreSQL', broker: 'mosquitto', db: 'postgres' },
] as const;

for (const setup of setups) {
  describe(`restarting the product (${setup.name})`, () => {
    const siteId = uniqueName('rs').replace(/_/g, '-');
    const schema = uniqueName('dutyroom_restarts');
    const site = generateCommunitySite({ seed: 1, highRises: 1, floors: 4, multiStoreys: 0, villas: 0, shops: 2, siteId });
    let dataDir = '';
    let product: Product | undefined;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'dutyroom-restarts-'));
    });
    afterAll(async () => {
      await product?.stop();
      await rm(dataDir, { recursive: true, force: true });
      if (setup.db === 'postgres') {
        const client = new pg.Client({ connectionString: servers.postgres.url });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    });

    const start = () => {
      const config = configSchema.parse({
        http: { host: '127.0.0.1', port: 0 },
        mqtt: setup.broker === 'mosquitto' ? { url: servers.mosquitto.url } : { embeddedPort: 0 },
        database: setup.db === 'postgres' ? { url: servers.postgres.url, schema } : {},
        ingest: { clientId: `${siteId}-ingest` },
        server: { clientId: `${siteId}-server` },
        dataDir,
        demo: true,
        simulator: { intervalSeconds: INTERVAL_SECONDS, leakEverySeconds: 3600, seed: 1, drillRunner: false },
        logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      });
      return startProduct({ config, site, log: createLogger(config.logLevel) });
    };

    /** Readings the ingest stored since `since`: proof the restarted product is really at work. */
    const storedSince = async (p: Product, since: number) =>
      Number(
        (await p.stack.db.query<{ n: string }>('select count(*)::text as n from telemetry where site_id = $1 and ts >= $2', [siteId, new Date(since)])).rows[0]
          ?.n ?? 0,
      );

    it('leaves the wall and the work orders exactly as they were across three restarts', async () => {
      product = await start();
      expect(product.simulator?.resumed).toBe(false);
      const leak = await waitFor(
        async () => (await wallOf(product as Product, siteId)).anomalies.find((a) => a.rule === 'vacant-unit-water' && a.status === 'open'),
        'the demo leak on the wall',
        90_000,
      );
      await waitFor(async () => (await wallOf(product as Product, siteId)).workOrders.some((w) => w.anomaly_id === leak.id), 'its work order', 30_000);
      await sleep(3 * INTERVAL_SECONDS * 1000);
      let before = await wallOf(product, siteId);
      expect(before.anomalies.filter((a) => RESTART_RULES.includes(a.rule))).toEqual([]);

      for (let restart = 1; restart <= 3; restart++) {
        await product.stop();
        product = await start();
        const running = product;
        expect(running.simulator?.resumed).toBe(true);
        const restartedAt = Date.now();
        const meters = running.simulator?.meters ?? 0;
        await waitFor(async () => (await storedSince(running, restartedAt)) >= 3 * meters, `three readings a meter after restart ${restart}`, 90_000);
        await sleep(2 * INTERVAL_SECONDS * 1000);
        const after = await wallOf(running, siteId);

        // New since the restart: only what a device really said (a worn battery's first report).
        const known = new Set(before.anomalies.map((a) => a.id));
        const appeared = after.anomalies.filter((a) => !known.has(a.id));
        // The demo's ordinary day: a worn battery, and card swipes at the readers (a deactivated or
        // repeatedly denied card is the card holder's doing, not the restart's).
        const accessRules = ['deactivated-card', 'repeated-denied-card', 'repeated-denied-door'];
        const deviceCaused = appeared.filter(
          (a) => (a.rule === 'low-battery' && (running.simulator?.simulation.device(a.device_id ?? '')?.battery ?? 100) < 15) || accessRules.includes(a.rule),
        );
        expect({ restart, appeared: appeared.filter((a) => !deviceCaused.includes(a)) }).toEqual({ restart, appeared: [] });
        const isNew = (w: Wall['workOrders'][number]) => deviceCaused.some((a) => a.id === w.anomaly_id);
        expect({ restart, anomalies: after.anomalies.filter((a) => known.has(a.id)), workOrders: after.workOrders.filter((w) => !isNew(w)) }).toEqual({
          restart,
          anomalies: before.anomalies,
          workOrders: before.workOrders,
        });
        before = after;
      }
      await product.stop();
      product = undefined;
    }, 600_000);
  });
}
