import { configSchema, topics } from '@dutyroom/domain';
import { type RunningIngest, startIngest } from '@dutyroom/ingest';
import { createLogger, type Db, parseSiteFile } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher } from '../harness/clients.ts';
import { available, servers, uniqueName, waitFor } from '../harness/servers.ts';
import { openTestDb } from './ingest-fixtures.ts';

/**
 * Issue 14: a restart of the ingest raises no anomaly the devices did not cause. Real Mosquitto and
 * PostgreSQL, the real detectors, meters with a 1 s heartbeat (offline after 3 s of silence). The
 * ingest is stopped for longer than that window and started again on the same database while
 * the meters continue from their registers: one through the outage (its messages wait in the
 * ingest's persistent session), one after a gap, one rebooted back to ~0. Nothing opens. Then a
 * small step back on a meter that kept reporting still raises exactly one counter-backwards.
 */
const present = (await available('mosquitto')) && (await available('postgres'));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!present)('a restart of the ingest on Mosquitto + PostgreSQL', () => {
  const siteId = uniqueName('rs').replace(/_/g, '-');
  const site = parseSiteFile(`
site: { id: ${siteId}, name: 重启测试 }
people: [{ id: wang, name: 王管家, role: steward }]
grids: [{ id: g1, name: 一网格, steward: wang }]
buildings: [{ id: "1", name: 1栋, kind: high-rise, floors: 10, grid: g1 }]
units:
  - { id: 1-1-101, building: "1", floor: 1, occupancy: occupied, devices: [{ id: wm-kept, kind: water-meter, heartbeatSeconds: 1 }] }
  - { id: 1-1-102, building: "1", floor: 1, occupancy: occupied, devices: [{ id: wm-gap, kind: water-meter, heartbeatSeconds: 1 }] }
  - { id: 1-1-103, building: "1", floor: 1, occupancy: occupied, devices: [{ id: wm-reboot, kind: water-meter, heartbeatSeconds: 1 }] }
`);
  const config = configSchema.parse({
    mqtt: { url: servers.mosquitto.url },
    ingest: { clientId: `${siteId}-ingest` },
    logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
  });
  const log = createLogger(config.logLevel);
  let db: Db;
  let drop: () => Promise<void>;
  let device: MqttClient;
  let ingest: RunningIngest | undefined;
  let seq = 0;
  const registers: Record<string, number> = { 'wm-kept': 300, 'wm-gap': 120.5, 'wm-reboot': 523.4 };
  const reporting = new Set<string>();
  let reporter: ReturnType<typeof setInterval> | undefined;

  const report = (deviceId: string, total: number) => {
    seq++;
    return device.publishAsync(topics.deviceMessage(siteId, deviceId, 'reading'), JSON.stringify({ ts: Date.now(), seq, total }), { qos: 1 });
  };
  /** Every reporting meter sends its register every 250 ms, a millilitre more every time (≈ 14 L/h). */
  const startReporting = () => {
    reporter = setInterval(() => {
      for (const id of reporting) {
        registers[id] = Math.round(((registers[id] as number) + 0.000001) * 1e6) / 1e6;
        void report(id, registers[id] as number);
      }
    }, 250);
  };
  const start = () =>
    startIngest({ config, mqttUrl: servers.mosquitto.url, db, site, log, tickEveryMs: 100, snapshotEveryMs: 200 }).then((running) => {
      ingest = running;
      return running;
    });
  const anomalies = async () =>
    (await db.query<{ rule: string; device_id: string }>('select rule, device_id from anomalies where site_id = $1 order by id', [siteId])).rows.map(
      (r) => `${r.rule} ${r.device_id}`,
    );
  const stored = async (deviceId: string) =>
    (await db.query<{ n: number }>('select count(*)::int as n from telemetry where device_id = $1', [deviceId])).rows[0]?.n ?? 0;

  beforeAll(async () => {
    ({ db, drop } = await openTestDb('postgres'));
    device = await devicePublisher(servers.mosquitto.url);
  });
  afterAll(async () => {
    if (reporter) clearInterval(reporter);
    await ingest?.stop();
    await device?.endAsync();
    await drop?.();
  });

  it('raises nothing for a restart longer than the offline window, a gap or a reboot to ~0; a real step back still raises one counter-backwards', async () => {
    const first = await start();
    for (const id of Object.keys(registers)) reporting.add(id);
    startReporting();
    await waitFor(async () => (await stored('wm-reboot')) >= 6 && (await stored('wm-gap')) >= 6, 'the meters stored by the first run', 15_000);

    // The gap and the reboot: two meters fall silent; the ingest stops for twice the offline window.
    reporting.delete('wm-gap');
    reporting.delete('wm-reboot');
    await first.stop();
    ingest = undefined;
    await sleep(6_000);

    const second = await start();
    await sleep(1_000);
    // The rebooted meter comes back at ~0 (a Tasmota counter, a pulse module); the other after its gap.
    registers['wm-reboot'] = 0.002;
    registers['wm-gap'] = (registers['wm-gap'] as number) + 0.0005;
    reporting.add('wm-reboot');
    reporting.add('wm-gap');
    await waitFor(async () => (await second.metrics.meterBreaks.get()).values.some((v) => v.labels['kind'] === 'reset'), 'the reset classified', 10_000);
    await sleep(4_000); // past the offline window after the start, every meter reporting
    expect(await anomalies()).toEqual([]);
    const breaks = Object.fromEntries((await second.metrics.meterBreaks.get()).values.map((v) => [v.labels['kind'], v.value]));
    expect(breaks).toMatchObject({ reset: 1 });
    expect(breaks['backwards'] ?? 0).toBe(0);
    expect((await second.metrics.anomalyChanges.get()).values).toEqual([]);

    // A meter that kept reporting steps back 50 L: the one real counter-backwards.
    reporting.delete('wm-kept');
    await sleep(300);
    registers['wm-kept'] = (registers['wm-kept'] as number) - 0.05;
    reporting.add('wm-kept');
    await waitFor(async () => (await anomalies()).length > 0, 'the counter-backwards anomaly', 10_000);
    await sleep(1_000);
    expect(await anomalies()).toEqual(['counter-backwards wm-kept']);

    if (reporter) clearInterval(reporter);
  }, 60_000);
});
