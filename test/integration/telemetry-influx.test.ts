import { configSchema, type Reading } from '@dutyroom/domain';
import { createInfluxTelemetrySink } from '@dutyroom/ingest';
import { createLogger } from '@dutyroom/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { available, servers, uniqueName } from '../harness/servers.ts';

const present = await available('influx');

async function influxQuery(q: string, db?: string): Promise<{ results: { series?: { columns: string[]; values: unknown[][] }[]; error?: string }[] }> {
  const params = new URLSearchParams({ q, epoch: 'ms', ...(db ? { db } : {}) });
  const response = await fetch(`${servers.influx.url}/query?${params}`, { method: 'POST' });
  if (!response.ok) throw new Error(`InfluxDB ${response.status}: ${await response.text()}`);
  return response.json() as never;
}

const reading = (deviceId: string, ts: number, value: number): Reading => ({
  siteId: 'demo',
  deviceId,
  kind: deviceId.startsWith('wm') ? 'water.total' : 'electricity.total',
  value,
  ts,
  deviceTs: ts,
  receivedAt: ts,
  drill: false,
  idempotencyKey: `${deviceId}/${ts}`,
});

/** The production writer against a real InfluxDB (Debian's 1.6 here; the same /write path serves 2.x and 3.x). */
describe.skipIf(!present)('InfluxDB telemetry writer', () => {
  const database = uniqueName('dutyroom_test');
  const log = createLogger('silent');
  beforeAll(async () => {
    await influxQuery(`CREATE DATABASE "${database}"`);
  });
  afterAll(async () => {
    await influxQuery(`DROP DATABASE "${database}"`);
  });

  it('writes readings as water/electricity totals tagged by site and device, with millisecond times', async () => {
    const sink = createInfluxTelemetrySink({ ...configSchema.parse({}).influx, url: servers.influx.url, database }, log);
    const t0 = Date.UTC(2026, 10, 24, 1, 0, 0, 123);
    await sink.write(reading('wm-3-1-1202', t0, 12.345));
    await sink.write(reading('wm-3-1-1202', t0 + 60_000, 12.4));
    await sink.write(reading('em-3-1-1202', t0, 830.5));
    await sink.flush();
    await sink.close();

    const water = await influxQuery(`SELECT "total" FROM "water" WHERE "device" = 'wm-3-1-1202' AND "site" = 'demo'`, database);
    expect(water.results[0]?.series?.[0]?.values).toEqual([
      [t0, 12.345],
      [t0 + 60_000, 12.4],
    ]);
    const electricity = await influxQuery(`SELECT "total" FROM "electricity"`, database);
    expect(electricity.results[0]?.series?.[0]?.values).toEqual([[t0, 830.5]]);
  });

  it('keeps the batch and reports the failure when the database does not exist, instead of losing it silently', async () => {
    const sink = createInfluxTelemetrySink({ ...configSchema.parse({}).influx, url: servers.influx.url, database: `${database}_missing` }, log);
    await sink.write(reading('wm-1', Date.now(), 1));
    await expect(sink.flush()).rejects.toThrow('InfluxDB did not accept 1 buffered lines');
    await sink.close();
  });
});
