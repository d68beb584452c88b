import { join } from 'node:path';
import type { Db } from '@dutyroom/platform';
import type { RunningServer } from '@dutyroom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveBinaries, type PrivateServer, privateMosquitto, privatePostgres } from '../harness/private-servers.ts';
import { waitFor } from '../harness/servers.ts';
import {
  type ChildIngest,
  countOutcome,
  type FaultSite,
  faultSite,
  ingestEnv,
  report,
  settle,
  spawnIngest,
  startFaultServer,
  startStream,
  untilIngesting,
} from './faults-fixture.ts';

/**
 * Fault: an ingest worker killed with -9 in the middle of a QoS 1 stream, then restarted. A second
 * worker takes the site over (its lease is gone with the killed worker's connection), restores
 * its detector states from the database and resumes the site's MQTT session, in which the broker
 * kept what the dead worker had not acknowledged. Private Mosquitto and PostgreSQL.
 */
const present = haveBinaries('mosquitto', 'postgres');

describe.skipIf(!present)('fault: kill -9 an ingest worker mid-stream', () => {
  let broker: PrivateServer;
  let postgres: PrivateServer;
  let site: FaultSite;
  let server: RunningServer;
  let db: Db;
  const workers: ChildIngest[] = [];

  beforeAll(async () => {
    [broker, postgres] = await Promise.all([privateMosquitto(), privatePostgres()]);
    site = await faultSite(20);
    ({ server, db } = await startFaultServer(site, broker.url, postgres.url));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await server?.stop();
    await db?.close();
    await Promise.all([broker?.destroy(), postgres?.destroy()]);
  });

  it('loses no acknowledged reading, duplicates no anomaly and no work order; the other worker takes the site over', async () => {
    const logFile = join(site.dir, 'ingest.log');
    const first = spawnIngest(ingestEnv(site, broker.url, postgres.url, 'worker-a'), logFile);
    workers.push(first);
    await untilIngesting(broker.url, db, site);
    const stream = await startStream(broker.url, site, { rounds: 40, roundMs: 500 });
    const stored = async () => (await db.query<{ n: number }>('select count(*)::int as n from telemetry where site_id = $1', [site.siteId])).rows[0]?.n ?? 0;
    await waitFor(async () => (await stored()) >= 100, 'worker A storing the stream', 30_000);
    const second = spawnIngest(ingestEnv(site, broker.url, postgres.url, 'worker-b'), logFile);
    workers.push(second);
    await new Promise((r) => setTimeout(r, 3000)); // worker B up and waiting for a lease

    const beforeKill = await stored();
    await first.kill9();
    // Worker B takes over: telemetry grows again without worker A.
    await waitFor(async () => (await stored()) > beforeKill + 40, 'worker B taking the site over', 30_000);
    const restarted = spawnIngest(ingestEnv(site, broker.url, postgres.url, 'worker-a'), logFile);
    workers.push(restarted);

    await stream.done;
    const counts = await settle(db, site, stream);
    report('kill -9 ingest worker', { ...counts, storedBeforeKill: beforeKill });
    // Everything acknowledged is stored, once; every anomaly and its work order exactly once.
    expect(counts).toMatchObject({
      acknowledged: counts.sent,
      lost: 0,
      duplicated: 0,
      missingAnomalies: 0,
      duplicatedAnomalies: 0,
      duplicatedWorkOrders: 0,
      workOrders: counts.dispatchable,
    });
    expect(await countOutcome(db, site, stream)).toEqual(counts);
    await stream.stop();
  }, 120_000);
});
