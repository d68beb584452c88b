import type { Db } from '@dutyroom/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { available, uniqueName } from '../harness/servers.ts';
import { ingestTestSite, MIN, openTestDb, type TestPipeline, testPipeline } from './ingest-fixtures.ts';

/**
 * Anomaly semantics on the real pipeline and a real database: one open anomaly per (rule, subject)
 * even when messages race, repeats and flaps merged, clears held down and applied per rule,
 * timers and hold-downs across a restart, storm control, drills, replays. Time is explicit:
 * readings carry their timestamps and ticks are called with theirs.
 */
const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);

for (const kind of ['pglite', 'postgres'] as const) {
  const present = kind === 'postgres' ? await available('postgres') : true;

  describe.skipIf(!present)(`anomaly semantics on ${kind}`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    const rows = async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
    /** Each test its own site, so they share one database without seeing each other. */
    const fresh = async () => {
      const site = ingestTestSite(uniqueName('s').replace(/_/g, '-'));
      return { site, siteId: site.site.id, sut: await testPipeline(db, site) };
    };
    const summary = (sut: TestPipeline) => sut.changes.map((c) => `${c.change}:${c.anomaly.rule}:${c.anomaly.subject}:${c.anomaly.count}`);

    beforeAll(async () => {
      ({ db, drop } = await openTestDb(kind));
    });
    afterAll(async () => {
      await drop?.();
    });

    it('one anomaly when two sensors of one unit raise at the same moment; repeats count and move last-seen', async () => {
      const { sut, siteId } = await fresh();
      await Promise.all([sut.send('ls-101', { kind: 'leak', wet: true, ts: T0 }), sut.send('ls-101b', { kind: 'leak', wet: true, ts: T0 })]);
      await sut.send('ls-101', { kind: 'leak', wet: true, ts: T0 + MIN });
      const found = await rows<{ count: number; last_seen: number; status: string }>(
        `select count, (extract(epoch from last_seen_at) * 1000)::float8 as last_seen, status from anomalies where site_id = $1`,
        [siteId],
      );
      expect(found).toEqual([{ count: 3, last_seen: T0 + MIN, status: 'open' }]);
      expect(summary(sut)).toEqual(['opened:leak:1-1-101:1', 'updated:leak:1-1-101:2', 'updated:leak:1-1-101:3']);
    });

    it('two ingest workers racing on one database still make one anomaly', async () => {
      const { site, siteId, sut } = await fresh();
      const other = await testPipeline(db, site);
      await Promise.all([sut.send('ls-101', { kind: 'leak', wet: true, ts: T0 }), other.send('ls-101b', { kind: 'leak', wet: true, ts: T0 })]);
      expect(await rows(`select count from anomalies where site_id = $1`, [siteId])).toEqual([{ count: 2 }]);
      expect([...sut.changes, ...other.changes].map((c) => c.change).sort()).toEqual(['opened', 'updated']);
    });

    it('merges flapping by the hold-down and clears once it runs out, leaving the work order to people', async () => {
      const { sut } = await fresh();
      await sut.send('ls-101', { kind: 'leak', wet: true, ts: T0 });
      await sut.send('ls-101', { kind: 'leak', wet: false, ts: T0 + 1 * MIN });
      await sut.send('ls-101', { kind: 'leak', wet: true, ts: T0 + 2 * MIN });
      await sut.send('ls-101', { kind: 'leak', wet: false, ts: T0 + 3 * MIN });
      await sut.pipeline.tick(T0 + 7 * MIN);
      expect(summary(sut)).toEqual(['opened:leak:1-1-101:1', 'updated:leak:1-1-101:2']);
      await sut.pipeline.tick(T0 + 8 * MIN);
      const cleared = sut.changes.at(-1);
      expect(cleared).toMatchObject({
        change: 'cleared',
        via: 'hold-expired',
        // The event carries the time of the reading that cleared it, not of the tick.
        anomaly: { status: 'cleared', readingTs: T0 + 3 * MIN, clearClosesWorkOrder: false, evidence: { flaps: 1 } },
      });
    });

    it('keeps a "for N minutes" timer and a held-down clear across a restart of the ingest', async () => {
      const { site, siteId, sut } = await fresh();
      await sut.send('wm-101', { kind: 'water.flow', value: 0.2, ts: T0 });
      await sut.send('ls-101', { kind: 'leak', wet: true, ts: T0 });
      await sut.send('ls-101', { kind: 'leak', wet: false, ts: T0 + MIN });
      await sut.pipeline.drain();
      await sut.pipeline.snapshot();

      // A new process on the same database: nothing in memory but what it restores.
      const restarted = await testPipeline(db, site);
      const changes = () => restarted.changes.filter((c) => c.anomaly.rule !== 'device-offline');
      await restarted.pipeline.tick(T0 + 29 * MIN);
      expect(changes().map((c) => `${c.change}:${c.anomaly.rule}`)).toEqual(['cleared:leak']);
      await restarted.pipeline.tick(T0 + 30 * MIN);
      expect(changes().map((c) => `${c.change}:${c.anomaly.rule}`)).toEqual(['cleared:leak', 'opened:continuous-flow']);
      expect(changes()[1]?.anomaly).toMatchObject({ subject: '1-1-101', evidence: { minutes: 30 } });
      expect(await rows(`select rule, status from anomalies where site_id = $1 and rule <> 'device-offline' order by id`, [siteId])).toEqual([
        { rule: 'leak', status: 'cleared' },
        { rule: 'continuous-flow', status: 'open' },
      ]);
    });

    it('discards a snapshot of another detector version instead of misreading it', async () => {
      const { site, sut } = await fresh();
      await sut.send('wm-102', { kind: 'water.flow', value: 0.2, ts: T0 });
      await sut.pipeline.snapshot();
      const { testContinuousFlow, testDetectors } = await import('./ingest-fixtures.ts');
      const bumped = { ...testContinuousFlow, version: 2 };
      const restarted = await testPipeline(db, site, { detectors: testDetectors.map((d) => (d.id === bumped.id ? bumped : d)) });
      expect(restarted.pipeline.stats.states).toBe(1); // the offline heartbeat state survives; the flow state does not
      await restarted.pipeline.tick(T0 + 31 * MIN);
      expect(restarted.changes.filter((c) => c.anomaly.rule === 'continuous-flow')).toEqual([]);
    });

    it('storm control: one grouped anomaly for a gateway that went offline, never the fire alarm behind it', async () => {
      const { sut } = await fresh();
      for (const id of ['gw-1', 'wm-101', 'wm-102', 'ls-101']) await sut.send(id, { kind: 'heartbeat', ts: T0 + (id === 'gw-1' ? 0 : MIN) });
      await sut.pipeline.tick(T0 + 15 * MIN); // the gateway's third heartbeat is missed first
      await sut.pipeline.tick(T0 + 16 * MIN); // then every child's
      await sut.send('sd-1', { kind: 'fire', event: 'alarm', zone: 'z1', point: undefined, ts: T0 + 17 * MIN });
      expect(summary(sut)).toEqual([
        'opened:device-offline:gw-1:1',
        'updated:device-offline:gw-1:2',
        'updated:device-offline:gw-1:3',
        'updated:device-offline:gw-1:4',
        'opened:fire-alarm:z1:1',
      ]);
      expect(sut.changes[3]?.anomaly.evidence).toMatchObject({ childrenOffline: 3 });
      const folded = await sut.metrics.registry.getSingleMetricAsString('dutyroom_ingest_handled_total');
      expect(folded).toMatch(/rule="storm-fold"} 3/);
    });

    it('a child back online closes nothing it did not open; the gateway back online clears with its work order', async () => {
      const { sut } = await fresh();
      await sut.send('gw-1', { kind: 'heartbeat', ts: T0 });
      await sut.send('wm-101', { kind: 'heartbeat', ts: T0 });
      await sut.pipeline.tick(T0 + 15 * MIN);
      await sut.send('wm-101', { kind: 'heartbeat', ts: T0 + 20 * MIN });
      await sut.send('gw-1', { kind: 'heartbeat', ts: T0 + 20 * MIN });
      await sut.pipeline.tick(T0 + 31 * MIN);
      expect(summary(sut)).toEqual(['opened:device-offline:gw-1:1', 'updated:device-offline:gw-1:2', 'cleared:device-offline:gw-1:2']);
      expect(sut.changes.at(-1)?.anomaly.clearClosesWorkOrder).toBe(true);
    });

    it('演练: a drill opens its own anomaly, labelled, which a real alarm never merges into', async () => {
      const { sut } = await fresh();
      await sut.send('sd-1', { kind: 'fire', event: 'alarm', zone: 'z1', ts: T0, drill: true });
      await sut.send('sd-1', { kind: 'fire', event: 'alarm', zone: 'z1', ts: T0 + MIN });
      expect(sut.changes.map((c) => [c.change, c.anomaly.subject, c.anomaly.drill, c.anomaly.readingTs])).toEqual([
        ['opened', 'z1', true, T0],
        ['opened', 'z1', false, T0 + MIN],
      ]);
    });

    it('演练: a drill device that falls silent after the drill is not reported offline; a real one is', async () => {
      const { sut } = await fresh();
      await sut.send('wm-101', { kind: 'heartbeat', ts: T0, drill: true });
      await sut.send('wm-102', { kind: 'heartbeat', ts: T0 });
      await sut.pipeline.tick(T0 + 60 * MIN);
      expect(summary(sut)).toEqual(['opened:device-offline:wm-102:1']);
    });

    it('a redelivered or replayed message never makes a second anomaly, even after a restart', async () => {
      const { site, siteId, sut } = await fresh();
      const message = { kind: 'leak', wet: true, ts: T0, seq: 9 };
      await sut.send('ls-101', message);
      await sut.send('ls-101', message);
      const restarted = await testPipeline(db, site);
      await restarted.send('ls-101', message);
      expect(await rows(`select count from anomalies where site_id = $1`, [siteId])).toEqual([{ count: 1 }]);
      expect([...sut.changes, ...restarted.changes].map((c) => c.change)).toEqual(['opened']);
      expect(await rows(`select reason from dead_letters where topic = $1 and reason = 'duplicate'`, [`t/${siteId}/ls-101`])).toHaveLength(1);
    });
  });
}
