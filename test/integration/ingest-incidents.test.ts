import { type AnyDetector, configSchema, type Detector, defaultIncidentPolicy, type SiteFile, topics } from '@dutyroom/domain';
import { startIngest } from '@dutyroom/ingest';
import { createLogger, type Db, parseSiteFile } from '@dutyroom/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { devicePublisher } from '../harness/clients.ts';
import { available, servers, uniqueName, waitFor } from '../harness/servers.ts';
import { MIN, openTestDb, type TestPipeline, testLeak, testPipeline } from './ingest-fixtures.ts';

/**
 * Incidents (issue 14, docs/ingest.md §5): many devices raising one rule within a minute fold into
 * ONE incident anomaly whose members point at it, also with two ingest workers on one database;
 * the incident clears when its last member clears; life-safety members stay open on their own;
 * below the thresholds nothing groups.
 */
const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);

/** 计数回退: a water register read as 0 raises (per meter), any other value clears. Stateless. */
const testReset: Detector<Record<string, never>, Record<string, never>> = {
  id: 'counter-backwards',
  version: 1,
  rules: ['counter-backwards'],
  appliesTo: ['water.total'],
  configSchema: z.strictObject({}),
  initialState: () => ({}),
  onReading(_state, reading, { device }) {
    if (reading.kind !== 'water.total') return [];
    return reading.value === 0
      ? [{ type: 'raise', rule: 'counter-backwards', subject: device.device.id, severity: 'P3', evidence: { total: 0 } }]
      : [{ type: 'clear', rule: 'counter-backwards', subject: device.device.id, closesWorkOrder: true }];
  },
};
const detectors: readonly AnyDetector[] = [testReset, testLeak];

/** Three buildings of ten units; each unit a water meter and a leak sensor. */
function incidentSite(siteId: string): SiteFile {
  const units = Array.from({ length: 30 }, (_, i) => {
    const n = i + 1;
    const building = String(Math.floor(i / 10) + 1);
    return `  - { id: u${n}, building: "${building}", floor: ${(i % 10) + 1}, occupancy: occupied, devices: [{ id: wm-${n}, kind: water-meter }, { id: ls-${n}, kind: leak-sensor }] }`;
  });
  return parseSiteFile(`
site: { id: ${siteId}, name: 关联事件小区 }
people: [{ id: wang, name: 王管家, role: steward }]
grids: [{ id: g1, name: 一网格, steward: wang }]
buildings:
  - { id: "1", name: 1栋, kind: high-rise, floors: 10, grid: g1 }
  - { id: "2", name: 2栋, kind: high-rise, floors: 10, grid: g1 }
  - { id: "3", name: 3栋, kind: high-rise, floors: 10, grid: g1 }
units:
${units.join('\n')}
`);
}

const meters = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `wm-${from + i}`);

for (const kind of ['pglite', 'postgres'] as const) {
  const present = kind === 'postgres' ? await available('postgres') : true;

  describe.skipIf(!present)(`incidents on ${kind}`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    const rows = async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
    const worker = (site: SiteFile, partialView = false) => testPipeline(db, site, { detectors, incidents: { policy: defaultIncidentPolicy, partialView } });
    const fresh = async () => {
      const site = incidentSite(uniqueName('inc').replace(/_/g, '-'));
      return { site, siteId: site.site.id, sut: await worker(site) };
    };
    const incidents = (siteId: string) =>
      rows<{ id: string; subject: string; status: string; count: number; evidence: Record<string, unknown>; drill: boolean }>(
        `select id::text as id, subject, status, count, evidence, drill from anomalies where site_id = $1 and rule = 'incident' order by id`,
        [siteId],
      );
    const members = (siteId: string, rule: string) =>
      rows<{ status: string; incident_id: string | null }>(
        `select status, incident_id::text as incident_id from anomalies where site_id = $1 and rule = $2 order by id`,
        [siteId, rule],
      );
    const zero = (sut: TestPipeline, id: string, i: number, drill = false) => sut.send(id, { kind: 'water.total', value: 0, ts: T0 + i * 200, drill });

    beforeAll(async () => {
      ({ db, drop } = await openTestDb(kind));
    });
    afterAll(async () => {
      await drop?.();
    });

    it('30 meters raising the same rule within seconds are ONE incident with 30 members, published once', async () => {
      const { siteId, sut } = await fresh();
      await Promise.all(meters(30).map((id, i) => zero(sut, id, i)));
      await sut.pipeline.drain();
      const [incident, ...others] = await incidents(siteId);
      expect(others).toEqual([]);
      expect(incident).toMatchObject({ subject: 'counter-backwards@site', status: 'open', count: 30, drill: false });
      expect(incident?.evidence).toMatchObject({ memberRule: 'counter-backwards', scope: 'site', cause: 'mass', members: 30, open: 30, firstAt: T0 });
      expect(await members(siteId, 'counter-backwards')).toEqual(Array.from({ length: 30 }, () => ({ status: 'open', incident_id: incident?.id })));

      const incidentEvents = sut.changes.filter((c) => c.anomaly.rule === 'incident');
      expect(incidentEvents.filter((c) => c.change === 'opened')).toHaveLength(1);
      // Every member's event with its incident reached the subscribers (the server, the console).
      const joined = new Set(sut.changes.filter((c) => c.anomaly.incidentId === incident?.id).map((c) => c.anomaly.id));
      expect(joined.size).toBe(30);
      expect(incidentEvents.at(-1)?.anomaly.evidence).toMatchObject({ members: 30, open: 30 });
    });

    it('two ingest workers, each receiving half of the meters, still make exactly one incident', async () => {
      const { site, siteId } = await fresh();
      const a = await worker(site, true);
      const b = await worker(site, true);
      await Promise.all(meters(30).map((id, i) => zero(i % 2 === 0 ? a : b, id, i)));
      await Promise.all([a.pipeline.drain(), b.pipeline.drain()]);
      const found = await incidents(siteId);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ status: 'open', count: 30, evidence: { members: 30, open: 30 } });
      expect((await members(siteId, 'counter-backwards')).every((m) => m.incident_id === found[0]?.id)).toBe(true);
      const opened = [...a.changes, ...b.changes].filter((c) => c.anomaly.rule === 'incident' && c.change === 'opened');
      expect(opened).toHaveLength(1);
    });

    it('the incident clears when the last of its members has cleared, not before', async () => {
      const { siteId, sut } = await fresh();
      await Promise.all(meters(12).map((id, i) => zero(sut, id, i)));
      for (const [i, id] of meters(11).entries()) await sut.send(id, { kind: 'water.total', value: 5, ts: T0 + MIN + i * 100 });
      await sut.pipeline.tick(T0 + 7 * MIN); // the held-down clears run out
      expect(await incidents(siteId)).toMatchObject([{ status: 'open', evidence: { members: 12, open: 1 } }]);
      await sut.send('wm-12', { kind: 'water.total', value: 5, ts: T0 + 8 * MIN });
      await sut.pipeline.tick(T0 + 14 * MIN);
      expect(await incidents(siteId)).toMatchObject([{ status: 'cleared', evidence: { members: 12, open: 0 } }]);
      const cleared = sut.changes.find((c) => c.anomaly.rule === 'incident' && c.change === 'cleared');
      // Back online for every member: the incident's order may close with it, at the last member's clear.
      expect(cleared?.anomaly).toMatchObject({ status: 'cleared', clearClosesWorkOrder: true, readingTs: T0 + 8 * MIN });
    });

    it('later opens of the rule join the open incident; an event spreading to another building widens it', async () => {
      const { siteId, sut } = await fresh();
      await Promise.all(meters(4).map((id, i) => zero(sut, id, i))); // 4 of building 1's 10 meters: a building incident
      expect(await incidents(siteId)).toMatchObject([{ subject: 'counter-backwards@building:1', count: 4 }]);
      await zero(sut, 'wm-5', 50); // later, same building
      await zero(sut, 'wm-21', 60); // building 3, within the minute
      expect(await incidents(siteId)).toMatchObject([{ subject: 'counter-backwards@site', count: 6, evidence: { scope: 'site', members: 6 } }]);
    });

    it('a life-safety mass event (a panel fault) is an incident, and every member stays open on its own', async () => {
      const { siteId, sut } = await fresh();
      await Promise.all(Array.from({ length: 12 }, (_, i) => sut.send(`ls-${i * 2 + 1}`, { kind: 'leak', wet: true, ts: T0 + i * 100 })));
      await sut.pipeline.drain();
      const [incident] = await incidents(siteId);
      expect(incident).toMatchObject({ subject: 'leak@site', status: 'open', count: 12, evidence: { memberRule: 'leak' } });
      const leaks = await members(siteId, 'leak');
      expect(leaks).toHaveLength(12);
      expect(leaks.every((m) => m.status === 'open' && m.incident_id === incident?.id)).toBe(true);
    });

    it('fewer than the thresholds stay single anomalies: no incident', async () => {
      const { siteId, sut } = await fresh();
      // Two in building 1, two in building 2, spread over the site: below 3 per building and 10 per site.
      await Promise.all(['wm-1', 'wm-2', 'wm-11', 'wm-12'].map((id, i) => zero(sut, id, i)));
      // And meters that raise more than a minute apart.
      for (const [i, id] of meters(8, 21).entries()) await zero(sut, id, 1000 + i * 400);
      expect(await incidents(siteId)).toEqual([]);
      expect((await members(siteId, 'counter-backwards')).every((m) => m.incident_id === null)).toBe(true);
    });

    it('drills group apart from real anomalies', async () => {
      const { siteId, sut } = await fresh();
      // The same ten meters of building 1, in a drill and for real at the same time.
      await Promise.all(meters(10).map((id, i) => zero(sut, id, i, true)));
      await Promise.all(meters(10).map((id, i) => zero(sut, id, i + 0.5))); // another reading: the idempotency key holds no drill flag
      const found = await incidents(siteId);
      expect(found.map((i) => [i.subject, i.drill, i.count]).sort()).toEqual([
        ['counter-backwards@building:1', false, 10],
        ['counter-backwards@building:1', true, 10],
      ]);
    });
  });
}

const brokerPresent = (await available('mosquitto')) && (await available('postgres'));

describe.skipIf(!brokerPresent)('incidents on Mosquitto + PostgreSQL with two ingest workers', () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await openTestDb('postgres'));
  });
  afterAll(async () => {
    await drop?.();
  });

  it('30 meters resetting at once through a shared subscription: exactly one incident with 30 members', async () => {
    const site = incidentSite(uniqueName('incmq').replace(/_/g, '-'));
    const siteId = site.site.id;
    const group = uniqueName('g');
    const start = (n: number) =>
      startIngest({
        config: configSchema.parse({
          mqtt: { url: servers.mosquitto.url },
          ingest: { clientId: `${siteId}-ingest-${n}` },
          // Mosquitto hands a shared subscription's messages round robin: each worker gets about half of the meters.
          scale: { shareGroup: group },
          logLevel: 'silent',
        }),
        mqttUrl: servers.mosquitto.url,
        db,
        site,
        log: createLogger(process.env['TEST_LOG_LEVEL'] ?? 'silent'),
        detectors,
      });
    const workers = [await start(1), await start(2)];
    const device = await devicePublisher(servers.mosquitto.url);
    try {
      const t0 = Date.now() - 10_000;
      await Promise.all(
        meters(30).map((id, i) => device.publishAsync(topics.deviceMessage(siteId, id, 'reading'), JSON.stringify({ ts: t0 + i * 100, total: 0 }), { qos: 1 })),
      );
      const found = await waitFor(async () => {
        const rows = (
          await db.query<{ id: string; count: number; members: number }>(
            `select id::text as id, count, (select count(*)::int from anomalies m where m.incident_id = i.id) as members
             from anomalies i where site_id = $1 and rule = 'incident'`,
            [siteId],
          )
        ).rows;
        return rows.length > 0 && rows[0]?.members === 30 && rows;
      }, 'one incident with 30 members');
      expect(found).toHaveLength(1);
      expect(found[0]?.count).toBe(30);
      // Both workers took part: the share was real.
      const handled = await Promise.all(workers.map(async (w) => (await w.metrics.readings.get()).values.reduce((n, v) => n + v.value, 0)));
      expect(handled.every((n) => n > 0)).toBe(true);
    } finally {
      await device.endAsync();
      for (const w of workers) await w.stop();
    }
  });
});
