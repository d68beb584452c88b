import type { SiteFile } from '@dutyroom/domain';
import type { Logger, MqttConnection } from '@dutyroom/platform';
import { seededRandom } from './random.ts';
import { startRun } from './runner.ts';

export interface DemoPlayerOptions {
  /** Seconds between two readings of one meter (the demo's 30 s; real meters report every 5–15 minutes). */
  readonly intervalSeconds: number;
  /** Seconds between two vacant-unit leaks started by the demo. */
  readonly leakEverySeconds: number;
  readonly seed: number;
  /** Simulated time per wall time; default 1 (real time). */
  readonly speed?: number | undefined;
}

const LEAK_MINUTES = 10;

/**
 * Plays the demo community for `npm start`: every device of the site file in its own ecosystem's
 * format, in real time, with an ordinary day around it (swipes, faults, batteries), and every
 * `leakEverySeconds` water starts running in an empty unit (vacant, custody or a closed shop)
 * for ten minutes, which the ingest must catch within one meter interval. The leaking meters are
 * native ones: the demo's promise holds whichever ecosystem adapters the ingest has.
 */
export async function startDemoPlayer(site: SiteFile, connection: MqttConnection, options: DemoPlayerOptions, log: Logger) {
  const run = await startRun({
    site,
    connection,
    seed: options.seed,
    speed: options.speed ?? 1,
    meterIntervalSeconds: options.intervalSeconds,
    ambient: true,
    clientId: `dutyroom-sim-${process.pid}`,
  });
  const sim = run.simulation;
  const random = seededRandom(options.seed + 1);
  const leakable = sim.devices.filter(
    (d) => d.kind === 'water-meter' && d.encodable.ecosystem === 'native' && ['vacant', 'custody', 'shop-closed'].includes(d.occupancy),
  );
  const startLeak = () => {
    const candidates = leakable.filter((m) => m.extraFlowUntil < sim.now);
    const meter = candidates[Math.floor(random() * candidates.length)];
    if (meter === undefined) return;
    // A running tap or a loose hose: 20–30 L/min, ≥ 10 L within one 30 s interval yet below the burst rule (2 m³/h).
    const litresPerMinute = 20 + Math.round(random() * 10);
    const at = run.clock.now();
    sim.schedule(at, 'demo leak', (ts) => {
      sim.advanceMeter(meter, ts);
      meter.extraFlowLitresPerMinute = litresPerMinute;
      // Someone closes the valve after a while; the anomaly clears, the work order stays.
      meter.extraFlowUntil = ts + LEAK_MINUTES * 60_000;
    });
    log.info({ unitId: meter.unitId, litresPerMinute }, 'demo: water starts running in an empty unit');
  };
  const leaks = setInterval(startLeak, options.leakEverySeconds * 1000);
  const first = setTimeout(startLeak, 5000);
  first.unref();

  const meters = sim.devices.filter((d) => d.kind === 'water-meter' || d.kind === 'electricity-meter').length;
  log.info({ devices: sim.devices.length, meters, intervalSeconds: options.intervalSeconds }, 'demo simulator running');
  return {
    meters,
    devices: sim.devices.length,
    async stop() {
      clearInterval(leaks);
      clearTimeout(first);
      await run.stop();
    },
  };
}
