import type { SiteFile } from '@dutyroom/domain';
import type { Logger, MqttConnection } from '@dutyroom/platform';
import { seededRandom } from './random.ts';
import { startRun } from './runner.ts';
import { type DemoState, loadSimulatorState, SIMULATOR_STATE_VERSION, saveSimulatorState } from './sim-state.ts';

export interface DemoPlayerOptions {
  /** Seconds between two readings of one meter (the demo's 30 s; real meters report every 5–15 minutes). */
  readonly intervalSeconds: number;
  /** Seconds between two vacant-unit leaks started by the demo. */
  readonly leakEverySeconds: number;
  readonly seed: number;
  /** Simulated time per wall time; default 1 (real time). */
  readonly speed?: number | undefined;
  /**
   * Where the player keeps its state (src/sim-state.ts): loaded at start, saved every
   * `saveEverySeconds` and at stop, so a restart carries on instead of starting every meter over.
   * The launcher passes `<dataDir>/simulator/demo-state.json`; without it every start is fresh.
   */
  readonly statePath?: string | undefined;
  /** Default 5. */
  readonly saveEverySeconds?: number | undefined;
}

const LEAK_MINUTES = 10;
/** The first leak of a fresh demo, after start: soon, so a new user sees the product work. */
const FIRST_LEAK_AFTER_MS = 5000;

/**
 * Plays the demo community for `npm start`: every device of the site file in its own ecosystem's
 * format, in real time, with an ordinary day around it (swipes, faults, batteries), and every
 * `leakEverySeconds` water starts running in an empty unit (vacant, custody or a closed shop)
 * for ten minutes, which the ingest must catch within one meter interval. The leaking meters are
 * native ones: the demo's promise holds whichever ecosystem adapters the ingest has.
 *
 * With a `statePath` a restart resumes: registers, batteries, report phases, pending follow-ups,
 * the leak schedule and which leak comes next (leak n is drawn from a random seeded by n, so a
 * restart neither repeats the last leak nor starts an extra one).
 */
export async function startDemoPlayer(site: SiteFile, connection: MqttConnection, options: DemoPlayerOptions, log: Logger) {
  const siteId = site.site.id;
  const loaded = options.statePath === undefined ? undefined : await loadSimulatorState(options.statePath, { siteId });
  if (loaded?.state !== undefined) {
    const saved = loaded.state;
    log.info(
      { statePath: options.statePath, savedSecondsAgo: Math.round((Date.now() - saved.savedAt) / 1000), leaksStarted: saved.demo?.leaksStarted ?? 0 },
      'demo simulator resumes from its saved state (registers, batteries, schedule)',
    );
  } else if (loaded !== undefined) {
    const firstStart = loaded.reason.startsWith('no state file');
    log[firstStart ? 'info' : 'warn']({ statePath: options.statePath, reason: loaded.reason }, 'demo simulator starts fresh');
  }
  const resumed = loaded?.state;
  const speed = options.speed ?? 1;
  const run = await startRun({
    site,
    connection,
    seed: options.seed,
    speed,
    meterIntervalSeconds: options.intervalSeconds,
    ambient: true,
    clientId: `dutyroom-sim-${process.pid}`,
    resume: resumed?.simulation,
  });
  const sim = run.simulation;
  const leakable = sim.devices.filter(
    (d) => d.kind === 'water-meter' && d.encodable.ecosystem === 'native' && ['vacant', 'custody', 'shop-closed'].includes(d.occupancy),
  );
  const leakEveryMs = options.leakEverySeconds * 1000 * speed;
  const demo: DemoState = resumed?.demo ?? { leaksStarted: 0, nextLeakAt: run.clock.now() + FIRST_LEAK_AFTER_MS * speed };
  const startLeak = () => {
    const random = seededRandom(Math.imul(options.seed + 1, 0x85ebca6b) ^ demo.leaksStarted);
    demo.leaksStarted += 1;
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
  const leaks = setInterval(() => {
    const now = run.clock.now();
    if (now < demo.nextLeakAt) return;
    startLeak();
    // A leak that fell due while the demo was stopped starts now, once; the schedule goes on from here.
    demo.nextLeakAt = Math.max(demo.nextLeakAt + leakEveryMs, now + leakEveryMs / 2);
  }, 1000);

  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    const path = options.statePath;
    if (path === undefined) return saving;
    const state = { version: SIMULATOR_STATE_VERSION, siteId, seed: options.seed, savedAt: Date.now(), simulation: sim.snapshot(), demo: { ...demo } } as const;
    saving = saving
      .then(() => saveSimulatorState(path, state))
      .catch((error: unknown) => log.warn({ err: error, statePath: path }, 'demo simulator could not save its state'));
    return saving;
  };
  const saver = options.statePath === undefined ? undefined : setInterval(() => void save(), (options.saveEverySeconds ?? 5) * 1000);

  const meters = sim.devices.filter((d) => d.kind === 'water-meter' || d.kind === 'electricity-meter').length;
  log.info({ devices: sim.devices.length, meters, intervalSeconds: options.intervalSeconds }, 'demo simulator running');
  return {
    meters,
    devices: sim.devices.length,
    resumed: resumed !== undefined,
    /** The devices as simulated (tests check what a device really did). */
    simulation: sim,
    /** Saves the state now (tests; the player saves on its own). */
    save,
    async stop() {
      clearInterval(leaks);
      if (saver) clearInterval(saver);
      await run.stop();
      await save();
    },
  };
}
