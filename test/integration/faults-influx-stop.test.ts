import { join } from 'node:path';
import type { Db } from '@dutyroom/platform';
import type { RunningServer } from '@dutyroom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveBinaries, outageSeconds, type PrivateServer, privateInflux, privateMosquitto, privatePostgres } from '../harness/private-servers.ts';
import { waitFor } from '../harness/servers.ts';
import { type ChildIngest, countOutcome, type FaultSite, faultSite, ingestEnv, report, spawnIngest, startFaultServer, startStream } from './faults-fixture.ts';

/**
 * Fault: InfluxDB stops in the middle of the stream (60 s under `npm run test:faults`, 5 s in
 * `npm test`). The ingest keeps the lines in its bounded buffer and retries with backoff; after
 * recovery every acknowledged reading is in InfluxDB once. Anomalies do not depend on InfluxDB.
 * Private Mosquitto, PostgreSQL and influxd.
 */
const present = haveBinaries('mosquitto', 'postgres', 'influxd');
const DATABASE = 'dutyroom_faults';

describe.skipIf(!present)('fault: stop InfluxDB', () => {
  let broker: PrivateServer;
  let postgres: PrivateServer;
  let influx: PrivateServer;
  let site: FaultSite;
  let server: RunningServer;
  let db: Db;
  let worker: ChildIngest | undefined;

  /** Keys `device|ts` of the site's water totals in InfluxDB. */
  const influxKeys = async () => {
    const q = new URLSearchParams({ db: DATABASE, epoch: 'ms', q: `select total from water where site = '${site.siteId}' group by device` });
    const body = (await (await fetch(`${influx.url}/query?${q}`)).json()) as {
      results: { series?: { tags: { device: string }; values: [number, number][] }[] }[];
    };
    const keys: string[] = [];
    for (const series of body.results[0]?.series ?? []) for (const [ts] of series.values) keys.push(`${series.tags.device}|${ts}`);
    return keys;
  };

  beforeAll(async () => {
    [broker, postgres, influx] = await Promise.all([privateMosquitto(), privatePostgres(), privateInflux()]);
    await fetch(`${influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q: `create database ${DATABASE}` }) });
    site = await faultSite(20);
    ({ server, db } = await startFaultServer(site, broker.url, postgres.url));
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
    await db?.close();
    await Promise.all([broker?.destroy(), postgres?.destroy(), influx?.destroy()]);
  });

  it('every acknowledged reading reaches InfluxDB once after it returns; anomalies and orders unaffected', async () => {
    worker = spawnIngest(
      ingestEnv(site, broker.url, postgres.url, 'worker-a', { INFLUX_URL: influx.url, INFLUX_DATABASE: DATABASE }),
      join(site.dir, 'ingest.log'),
    );
    // Until subscribed: a probe reaches InfluxDB.
    const { default: mqtt } = await import('mqtt');
    const probe = await mqtt.connectAsync(broker.url, { clientId: `${site.siteId}-probe`, clean: true });
    await waitFor(
      async () => {
        await probe.publishAsync(`dutyroom/v1/${site.siteId}/devices/wm-1/reading`, JSON.stringify({ ts: Date.now(), total: 10 }), { qos: 1 });
        await new Promise((r) => setTimeout(r, 1200));
        return (await influxKeys()).length > 0;
      },
      'the ingest writing to InfluxDB',
      40_000,
    );
    await probe.endAsync();

    const stream = await startStream(broker.url, site, { rounds: 40, roundMs: 500 });
    await waitFor(async () => (await influxKeys()).length >= 150, 'the stream reaching InfluxDB', 30_000);
    const down = outageSeconds(60, 5);
    await influx.stop();
    await new Promise((r) => setTimeout(r, down * 1000));
    await influx.start();
    await stream.done;

    let counts: Awaited<ReturnType<typeof countOutcome>> | undefined;
    let rows = 0;
    await waitFor(
      async () => {
        const keys = await influxKeys();
        rows = keys.length;
        counts = await countOutcome(db, site, stream, new Set(keys));
        return counts.lost === 0 && counts.missingAnomalies === 0 && counts.workOrders >= counts.dispatchable;
      },
      'every acknowledged reading in InfluxDB',
      70_000,
    ).catch((error: unknown) => {
      console.log('influx fault outcome when giving up', counts);
      throw error;
    });
    const final = counts as NonNullable<typeof counts>;
    // A point is (series, time): a redelivered line overwrites itself, so a duplicate cannot show as a second point.
    report('InfluxDB stopped', { ...final, duplicated: 0, influxPoints: rows, outageSeconds: down });
    // Everything acknowledged is stored, once; every anomaly and its work order exactly once.
    expect(final).toMatchObject({
      acknowledged: final.sent,
      lost: 0,
      missingAnomalies: 0,
      duplicatedAnomalies: 0,
      duplicatedWorkOrders: 0,
      workOrders: final.dispatchable,
    });
    await stream.stop();
  }, 150_000);
});
