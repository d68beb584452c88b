import { join } from 'node:path';
import type { Db } from '@dutyroom/platform';
import type { RunningServer } from '@dutyroom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveBinaries, outageSeconds, type PrivateServer, privateMosquitto, privatePostgres } from '../harness/private-servers.ts';
import { waitFor } from '../harness/servers.ts';
import {
  type ChildIngest,
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
 * Outages of a server in the middle of a QoS 1 stream, on private Mosquitto and PostgreSQL:
 *
 * - The broker restarts (Mosquitto with persistence, as deploy/mosquitto/mosquitto.conf): the
 *   ingest's and the server's persistent sessions, the queued messages and the retained anomaly
 *   states come back with it; the devices resend what was not acknowledged.
 * - PostgreSQL stops: the ingest keeps every message unacknowledged while its writes retry; its
 *   lease connection is lost, so it drops the site and leases it again when the database is back
 *   (another worker could have: the broker kept the messages). The server's sweep opens the orders
 *   it missed.
 *
 * Full outages (10 s broker, 30 s PostgreSQL) under `npm run test:faults`, shorter ones in `npm test`.
 */
const present = haveBinaries('mosquitto', 'postgres');

const outages = [
  { name: 'restart the broker', label: 'broker restart', stops: 'broker', fullSeconds: 10, shortSeconds: 3, settleMs: 30_000 },
  { name: 'stop PostgreSQL', label: 'PostgreSQL stopped', stops: 'postgres', fullSeconds: 30, shortSeconds: 5, settleMs: 60_000 },
] as const;

describe.skipIf(!present).each(outages)('fault: $name', (outage) => {
  let broker: PrivateServer;
  let postgres: PrivateServer;
  let site: FaultSite;
  let server: RunningServer;
  let db: Db;
  let worker: ChildIngest | undefined;

  beforeAll(async () => {
    [broker, postgres] = await Promise.all([privateMosquitto(), privatePostgres()]);
    site = await faultSite(20);
    ({ server, db } = await startFaultServer(site, broker.url, postgres.url));
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
    await db?.close();
    await Promise.all([broker?.destroy(), postgres?.destroy()]);
  });

  it('loses no acknowledged reading, duplicates no anomaly and no work order', async () => {
    worker = spawnIngest(ingestEnv(site, broker.url, postgres.url, 'worker-a'), join(site.dir, 'ingest.log'));
    await untilIngesting(broker.url, db, site);
    const stream = await startStream(broker.url, site, { rounds: 40, roundMs: 500 });
    const stored = async () => (await db.query<{ n: number }>('select count(*)::int as n from telemetry where site_id = $1', [site.siteId])).rows[0]?.n ?? 0;
    await waitFor(async () => (await stored()) >= 150, 'the stream being stored', 30_000);

    const down = outageSeconds(outage.fullSeconds, outage.shortSeconds);
    const stopped = outage.stops === 'broker' ? broker : postgres;
    await stopped.stop();
    await new Promise((r) => setTimeout(r, down * 1000));
    await stopped.start();

    await stream.done;
    const counts = await settle(db, site, stream, outage.settleMs);
    report(outage.label, { ...counts, outageSeconds: down });
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
    await stream.stop();
  }, 120_000);
});
