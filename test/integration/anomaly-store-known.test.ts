import { type DeviceContext, indexSite } from '@dutyroom/domain';
import { type AnomalyWork, createAnomalyStore, createStateStore } from '@dutyroom/ingest';
import type { Db, Transaction } from '@dutyroom/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchSite } from '../bench/bench-site.ts';
import { available } from '../harness/servers.ts';
import { openTestDb } from './ingest-fixtures.ts';

/**
 * The anomaly store applies a reading's findings in one round trip when it knows the anomalies
 * they touch, and checks that knowledge inside the transaction: another writer's change, a replay
 * or a racing insert sends it down the locking path, never to a wrong or second anomaly.
 */
const T0 = Date.UTC(2026, 10, 25, 2);
const policy = { holdDownMs: () => 300_000, foldInto: () => undefined };

/** Counts the round trips (batches) of the transactions run through it. */
function counting(db: Db): { db: Db; batches: () => number } {
  let batches = 0;
  const wrapped: Db = {
    ...db,
    kind: db.kind,
    query: db.query.bind(db),
    exec: db.exec.bind(db),
    close: db.close.bind(db),
    transaction: (work) =>
      db.transaction((tx) => {
        const counted: Transaction = {
          ...tx,
          query: tx.query.bind(tx),
          exec: tx.exec.bind(tx),
          batch: (statements, options) => {
            batches++;
            return tx.batch(statements, options);
          },
        };
        return work(counted);
      }),
  };
  return { db: wrapped, batches: () => batches };
}

for (const kind of ['pglite', 'postgres'] as const) {
  const present = kind === 'postgres' ? await available('postgres') : true;

  describe.skipIf(!present)(`anomaly store, one round trip when it knows (${kind})`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    const site = indexSite(benchSite('known', 10));
    const device = site.device('wm0') as DeviceContext;
    let seq = 0;
    const work = (subject: string, litres: number, key = `k${++seq}`): AnomalyWork => ({
      siteId: 'known',
      idempotencyKey: key,
      readingTs: T0 + seq * 1000,
      drill: false,
      device,
      events: [{ type: 'raise', rule: 'vacant-unit-water', subject, severity: 'P2', evidence: { litres } }],
      states: [],
    });
    const row = async (subject: string) =>
      (await db.query<{ status: string; count: number }>(`select status, count from anomalies where subject = $1 order by opened_at desc`, [subject])).rows;

    beforeAll(async () => {
      ({ db, drop } = await openTestDb(kind));
    });
    afterAll(async () => {
      await drop?.();
    });

    it('takes two round trips for an anomaly it does not know, then one for each repeat', async () => {
      const { db: counted, batches } = counting(db);
      const store = createAnomalyStore(counted, createStateStore(counted));
      const opened = await store.apply(work('u-a', 10), policy);
      expect(opened.changes.map((c) => c.change)).toEqual(['opened']);
      const afterOpen = batches();
      expect(afterOpen).toBe(2);
      for (let i = 0; i < 3; i++) expect((await store.apply(work('u-a', 20 + i), policy)).changes.map((c) => c.change)).toEqual(['updated']);
      expect(batches() - afterOpen).toBe(3);
      expect(await row('u-a')).toEqual([{ status: 'open', count: 4 }]);
    });

    it('a replayed reading is a replay on the one-round-trip path too, and counts nothing', async () => {
      const store = createAnomalyStore(db, createStateStore(db));
      await store.apply(work('u-b', 10), policy);
      const first = work('u-b', 11, 'replayed-key');
      expect((await store.apply(first, policy)).replay).toBe(false);
      const again = await store.apply({ ...first }, policy);
      expect(again).toMatchObject({ replay: true, changes: [] });
      expect(await row('u-b')).toEqual([{ status: 'open', count: 2 }]);
    });

    it('another writer clearing the anomaly sends the next finding down the locking path: it opens a new one', async () => {
      const ours = createAnomalyStore(db, createStateStore(db));
      const theirs = createAnomalyStore(db, createStateStore(db));
      await ours.apply(work('u-c', 10), policy);
      await ours.apply(work('u-c', 11), policy); // ours now knows it open
      // The other writer (another ingest worker) clears it: ours does not know.
      await theirs.apply(
        { ...work('u-c', 0), events: [{ type: 'clear', rule: 'vacant-unit-water', subject: 'u-c', closesWorkOrder: false }] },
        { ...policy, holdDownMs: () => 0 },
      );
      expect((await row('u-c')).map((r) => r.status)).toEqual(['cleared']);
      const next = await ours.apply(work('u-c', 12), policy);
      expect(next.changes.map((c) => c.change)).toEqual(['opened']);
      expect((await row('u-c')).map((r) => r.status).sort()).toEqual(['cleared', 'open']);
    });

    it('another writer opening the anomaly first makes ours repeat it, not open a second', async () => {
      const ours = createAnomalyStore(db, createStateStore(db));
      const theirs = createAnomalyStore(db, createStateStore(db));
      // Ours learns that nothing is open for u-d: a clear of nothing is ignored but read under lock.
      await ours.apply({ ...work('u-d', 0), events: [{ type: 'clear', rule: 'vacant-unit-water', subject: 'u-d', closesWorkOrder: false }] }, policy);
      await theirs.apply(work('u-d', 10), policy);
      const next = await ours.apply(work('u-d', 11), policy);
      expect(next.changes.map((c) => c.change)).toEqual(['updated']);
      expect(await row('u-d')).toEqual([{ status: 'open', count: 2 }]);
    });
  });
}
