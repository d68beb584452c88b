import { type MeterReadingPayload, type OccupancyStatus, type SiteFile, topics } from '@dutyroom/domain';
import { connectMqtt, type Logger, type MqttConnection, waitForConnect } from '@dutyroom/platform';
import { pick, seededRandom } from './random.ts';

export interface DemoPlayerOptions {
  readonly intervalSeconds: number;
  readonly leakEverySeconds: number;
  readonly seed: number;
}

interface Meter {
  readonly siteId: string;
  readonly deviceId: string;
  readonly unitId: string;
  readonly kind: 'water' | 'electricity';
  readonly occupancy: OccupancyStatus;
  total: number;
  /** Litres per minute of a leak started by the demo (water meters only). */
  leakLpm: number;
}

/** Hourly use factor: morning and evening peaks, nights near zero. */
const DAY_PROFILE = [0.05, 0.03, 0.02, 0.02, 0.03, 0.1, 0.6, 1, 0.8, 0.4, 0.3, 0.4, 0.6, 0.4, 0.3, 0.3, 0.4, 0.7, 1, 0.9, 0.8, 0.6, 0.3, 0.1];

/**
 * Plays the demo community: every meter reports its register each interval (occupied units use
 * water and power along a daily profile, empty units nothing), and every `leakEverySeconds` a
 * vacant or custody unit starts leaking, which the ingest must catch.
 */
export async function startDemoPlayer(site: SiteFile, connection: MqttConnection, options: DemoPlayerOptions, log: Logger) {
  const random = seededRandom(options.seed);
  const meters: Meter[] = site.units.flatMap((u) =>
    u.devices
      .filter((d) => d.kind === 'water-meter' || d.kind === 'electricity-meter')
      .map((d) => ({
        siteId: site.site.id,
        deviceId: d.id,
        unitId: u.id,
        kind: d.kind === 'water-meter' ? ('water' as const) : ('electricity' as const),
        occupancy: u.occupancy.status,
        total: Math.round(random() * (d.kind === 'water-meter' ? 300 : 5000) * 1000) / 1000,
        leakLpm: 0,
      })),
  );
  const client = connectMqtt(connection, { clientId: `dutyroom-sim-${process.pid}`, clean: true });
  await waitForConnect(client);

  const publish = (meter: Meter, now: number) => {
    const payload: MeterReadingPayload = { ts: now, total: Math.round(meter.total * 1000) / 1000, unit: meter.kind === 'water' ? 'm3' : 'kWh' };
    client.publish(topics.deviceMessage(meter.siteId, meter.deviceId, 'reading'), JSON.stringify(payload), { qos: 1 });
  };
  const advance = (meter: Meter, seconds: number, now: number) => {
    const hour = new Date(now).getHours();
    const inUse = meter.occupancy === 'occupied' || meter.occupancy === 'decorating';
    const profile = DAY_PROFILE[hour] ?? 0.3;
    if (meter.kind === 'water') meter.total += ((inUse ? profile * 0.4 * random() : 0) + meter.leakLpm) * (seconds / 60) * 0.001;
    else meter.total += (inUse ? profile * 1.5 * random() : 0.002) * (seconds / 3600);
  };

  // Spread each round over the interval so the broker sees a steady stream, not bursts.
  const slice = Math.max(1, Math.ceil(meters.length / (options.intervalSeconds * 10)));
  let cursor = 0;
  const tick = setInterval(() => {
    const now = Date.now();
    for (let i = 0; i < slice; i++) {
      const meter = meters[cursor];
      cursor = (cursor + 1) % meters.length;
      if (meter === undefined) continue;
      advance(meter, options.intervalSeconds, now);
      publish(meter, now);
    }
  }, 100);

  const leakable = meters.filter((m) => m.kind === 'water' && ['vacant', 'custody', 'shop-closed'].includes(m.occupancy));
  const startLeak = () => {
    const candidates = leakable.filter((m) => m.leakLpm === 0);
    if (candidates.length === 0) return;
    const meter = pick(random, candidates);
    meter.leakLpm = 20 + Math.round(random() * 40);
    advance(meter, 30, Date.now());
    publish(meter, Date.now());
    log.info({ unitId: meter.unitId, litresPerMinute: meter.leakLpm }, 'demo: water starts running in an empty unit');
    // Someone closes the valve after a while; the anomaly clears, the work order stays.
    setTimeout(() => {
      meter.leakLpm = 0;
    }, 10 * 60_000).unref();
  };
  const leaks = setInterval(startLeak, options.leakEverySeconds * 1000);
  setTimeout(startLeak, 5000).unref();

  log.info({ meters: meters.length, intervalSeconds: options.intervalSeconds }, 'demo simulator running');
  return {
    meters: meters.length,
    async stop() {
      clearInterval(tick);
      clearInterval(leaks);
      await client.endAsync();
    },
  };
}
