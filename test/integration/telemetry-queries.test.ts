import { configSchema, type Reading, type SiteFile } from '@dutyroom/domain';
import { createInfluxTelemetrySink, createPgTelemetrySink } from '@dutyroom/ingest';
import { createLogger, type Db, openDatabase } from '@dutyroom/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelemetryService, type TelemetryService } from '../../server/src/telemetry/telemetry.service.ts';
import { createInfluxTelemetryReader } from '../../server/src/telemetry/telemetry-reader.influx.ts';
import { createPgTelemetryReader } from '../../server/src/telemetry/telemetry-reader.pg.ts';
import { available, servers, uniqueName } from '../harness/servers.ts';
import { testSite } from '../harness/stack.ts';

const present = await available('influx');

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2026-11-20 00:00 Asia/Shanghai. */
const DAY0 = Date.UTC(2026, 10, 19, 16, 0, 0);

async function influxQuery(q: string): Promise<void> {
  const response = await fetch(`${servers.influx.url}/query?${new URLSearchParams({ q })}`, { method: 'POST' });
  if (!response.ok) throw new Error(`InfluxDB ${response.status}: ${await response.text()}`);
}

/**
 * Four days of two water meters and one electricity meter every 10 minutes: steady use by day, a
 * small leak at night in one unit, a meter replaced (total back to 0.5) on day 2. The same readings
 * go to both stores; both read adapters must give the same charts.
 */
function readings(siteId: string): Reading[] {
  const out: Reading[] = [];
  const totals = { 'wm-1-1-101': 10, 'wm-1-1-102': 200, 'em-1-1-101': 1000 };
  for (let t = DAY0; t < DAY0 + 4 * 24 * HOUR; t += 10 * MINUTE) {
    const hourOfDay = Math.floor((t - DAY0) / HOUR) % 24;
    const night = hourOfDay >= 1 && hourOfDay < 5;
    totals['wm-1-1-101'] += night ? 0.0005 : 0.002;
    totals['wm-1-1-102'] += night ? 0 : 0.01;
    totals['em-1-1-101'] += 0.05;
    if (t === DAY0 + 2 * 24 * HOUR + 6 * HOUR) totals['wm-1-1-102'] = 0.5;
    for (const [deviceId, value] of Object.entries(totals)) {
      out.push({
        siteId,
        deviceId,
        kind: deviceId.startsWith('wm') ? 'water.total' : 'electricity.total',
        value: Math.round(value * 10_000) / 10_000,
        ts: t,
        deviceTs: t,
        receivedAt: t,
        drill: false,
        idempotencyKey: `${deviceId}/${t}`,
      });
    }
  }
  return out;
}

describe.skipIf(!present)('telemetry queries: the embedded store and InfluxDB agree', () => {
  const database = uniqueName('dutyroom_tq');
  const siteId = uniqueName('tq').replace(/_/g, '-');
  const site: SiteFile = testSite(siteId);
  let db: Db;
  let embedded: TelemetryService;
  let influx: TelemetryService;

  beforeAll(async () => {
    await influxQuery(`CREATE DATABASE "${database}"`);
    db = await openDatabase(configSchema.parse({}), { inMemory: true });
    const pgSink = createPgTelemetrySink(db);
    const influxSink = createInfluxTelemetrySink({ ...configSchema.parse({}).influx, url: servers.influx.url, database }, createLogger('silent'));
    const all = readings(siteId);
    await db.query('insert into sites (id, name, timezone) values ($1, $2, $3)', [siteId, 'tq', 'Asia/Shanghai']);
    for (const r of all) {
      await pgSink.write(r);
      await influxSink.write(r);
    }
    await influxSink.flush();
    await influxSink.close();
    embedded = createTelemetryService(createPgTelemetryReader(db), site);
    influx = createTelemetryService(createInfluxTelemetryReader({ url: servers.influx.url, database }), site);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    if (present) await influxQuery(`DROP DATABASE "${database}"`);
  });

  it('gives the same hourly and daily consumption of a unit, with days starting at the site midnight', async () => {
    const from = DAY0 + 24 * HOUR;
    const to = DAY0 + 3 * 24 * HOUR;
    const [a, b] = await Promise.all([embedded.unitConsumption('1-1-101', 'hour', from, to), influx.unitConsumption('1-1-101', 'hour', from, to)]);
    expect(a?.water.points).toHaveLength(48);
    expect(b).toEqual(a);
    // By day 6 readings an hour at 2 L, by night at 0.5 L.
    expect(a?.water.points[0]?.value).toBeCloseTo(0.012, 6);
    expect(a?.water.points[2]?.value).toBeCloseTo(0.003, 6);
    expect(a?.electricity.points[5]?.value).toBeCloseTo(0.3, 6);

    const [da, db_] = await Promise.all([embedded.unitConsumption('1-1-101', 'day', from, to), influx.unitConsumption('1-1-101', 'day', from, to)]);
    expect(db_).toEqual(da);
    expect(da?.water.points.map((p) => p.t)).toEqual([from, from + 24 * HOUR]);
    expect(da?.water.points[0]?.value).toBeCloseTo(20 * 0.012 + 4 * 0.003, 6);
  });

  it('gives the same site flow per minute and counts a replaced meter as zero, not as a negative or a jump', async () => {
    const replaced = DAY0 + 2 * 24 * HOUR + 6 * HOUR;
    const [a, b] = await Promise.all([
      embedded.siteFlow(replaced - 30 * MINUTE, replaced + 30 * MINUTE),
      influx.siteFlow(replaced - 30 * MINUTE, replaced + 30 * MINUTE),
    ]);
    expect(b).toEqual(a);
    expect(a.points).toHaveLength(60);
    expect(Math.min(...a.points.map((p) => p.value))).toBeGreaterThanOrEqual(0);
    const atReplacement = a.points.find((p) => p.t === replaced);
    // The other meter's 10 minutes of use only; the replaced one contributes 0.
    expect(atReplacement?.value).toBeCloseTo(0.002, 6);
  });

  it('gives the same night-flow baseline: the leaking unit keeps the site minimum above zero', async () => {
    const now = DAY0 + 4 * 24 * HOUR - MINUTE;
    const [a, b] = await Promise.all([embedded.nightFlow(now, 3), influx.nightFlow(now, 3)]);
    expect(b).toEqual(a);
    expect(a.nights.length).toBeGreaterThanOrEqual(3);
    // 6 × 0.5 L per hour from the leaking unit, nothing from the other.
    expect(a.baselineLitresPerHour).toBeCloseTo(3, 1);
  });
});
