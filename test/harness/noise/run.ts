import { loadScenarios, type Scenario } from '@dutyroom/simulators';
import { account, type NoiseReport, readRows } from './accounting.ts';
import { ambientLedger } from './ambient.ts';
import { createBenchClock } from './clock.ts';
import { type BenchApi, benchApi } from './http.ts';
import { type BrokerChoice, type DbChoice, startBenchParts } from './parts.ts';
import { type Injection, type NoiseOptions, planNoise } from './plan.ts';
import { startBenchSimulator } from './simulator.ts';
import type { BenchSite } from './site.ts';
import { type DrillStarted, describe, milestones, tolerances, trueIncidents } from './truths.ts';

export interface NoiseRunOptions extends NoiseOptions {
  readonly bench: BenchSite;
  readonly speed: number;
  readonly broker: BrokerChoice;
  readonly db: DbChoice;
  readonly schema: string;
  readonly logLevel: string;
  /** Wall seconds to let the ingest and the server settle after the last simulated instant. */
  readonly settleSeconds: number;
  readonly onProgress?: (line: string) => void;
}

export interface NoiseRunResult {
  readonly report: NoiseReport;
  readonly injections: readonly Injection[];
  readonly simulatedMs: number;
  readonly simStart: number;
  readonly wallMs: number;
  readonly devices: number;
  readonly simulatorStarts: number;
  readonly published: number;
  readonly handled: number;
  readonly maxLag: number;
  readonly backlogPauseMs: number;
}

const MAX_LAG = 3000;
const sumOf = async (metric: { get(): Promise<{ values: { value: number }[] }> }) => (await metric.get()).values.reduce((s, v) => s + v.value, 0);

/**
 * Runs the demo community on the real parts for `simulatedMs` of accelerated time, carries out
 * the plan (plan.ts), then reads the database and accounts for every anomaly (accounting.ts).
 */
export async function runNoiseBudget(options: NoiseRunOptions): Promise<NoiseRunResult> {
  const wallStart = Date.now();
  const say = options.onProgress ?? (() => undefined);
  const site = options.bench.site;
  const plan = planNoise(site, options);
  const clock = createBenchClock({ speed: options.speed, simulatedMs: options.simulatedMs });
  const parts = await startBenchParts({ site, broker: options.broker, db: options.db, schema: options.schema, clock, logLevel: options.logLevel });
  const scenarios = new Map<string, Scenario>(loadScenarios().map((s) => [s.name, s]));
  const drills: DrillStarted[] = [];
  let api: BenchApi = await benchApi(parts.server.url);
  const simulator = await startBenchSimulator({ site, url: parts.mqttUrl, clock, seed: options.seed, clientId: `${site.site.id}-sim` });
  const ledger = ambientLedger(new Set(plan.injections.flatMap((i) => (i.kind === 'leak' ? [i.unitId] : []))));
  ledger.watch(simulator.simulation);
  let publishedBefore = 0;
  const published = () => publishedBefore + simulator.progress().published;

  // The simulated world never runs ahead of the ingest: a backlog pauses the clock (at most 30 s in a row).
  let maxLag = 0;
  let backlogPauseMs = 0;
  let pausedForBacklogAt: number | undefined;
  let restarting = false;
  const handled = () => sumOf(parts.metrics.messages);
  const watch = setInterval(() => {
    void handled().then((h) => {
      const lag = published() - h;
      maxLag = Math.max(maxLag, lag);
      if (restarting) return;
      if (pausedForBacklogAt === undefined && lag > MAX_LAG) {
        pausedForBacklogAt = Date.now();
        clock.pause();
      } else if (pausedForBacklogAt !== undefined && (lag < MAX_LAG / 4 || Date.now() - pausedForBacklogAt > 30_000)) {
        backlogPauseMs += Date.now() - pausedForBacklogAt;
        pausedForBacklogAt = undefined;
        clock.resume();
      }
    });
  }, 200);
  const restart = async (what: () => Promise<void>) => {
    restarting = true;
    clock.pause();
    try {
      await what();
    } finally {
      if (pausedForBacklogAt === undefined) clock.resume();
      restarting = false;
    }
  };

  try {
    for (const injection of plan.injections) {
      await clock.until(clock.simStart + injection.at);
      const day = ((clock.now() - clock.simStart) / 86_400_000).toFixed(2);
      say(`[day ${day}, wall ${Math.round((Date.now() - wallStart) / 1000)} s] ${describe(injection)}`);
      const sim = simulator.simulation;
      const now = clock.now();
      switch (injection.kind) {
        case 'restart':
          if (injection.process === 'ingest') await restart(() => parts.restartIngest());
          else if (injection.process === 'server')
            await restart(async () => {
              await parts.restartServer();
              api = await benchApi(parts.server.url);
            });
          else
            await restart(async () => {
              publishedBefore += simulator.progress().published;
              await simulator.restart();
              ledger.watch(simulator.simulation);
              ledger.discontinuity(clock.now());
            });
          break;
        case 'leak': {
          const meter = sim.device(injection.meterId);
          if (meter === undefined) throw new Error(`no meter ${injection.meterId}`);
          sim.schedule(now, `bench leak ${injection.unitId}`, (ts) => {
            sim.advanceMeter(meter, ts);
            meter.extraFlowLitresPerMinute = injection.litresPerMinute;
            meter.extraFlowUntil = ts + injection.minutes * 60_000;
          });
          break;
        }
        case 'gateway-outage': {
          const gateway = sim.device(injection.gatewayId);
          if (gateway === undefined) throw new Error(`no gateway ${injection.gatewayId}`);
          sim.schedule(now, 'bench gateway down', (ts) => sim.setGatewayOnline(gateway, false, ts));
          sim.schedule(now + injection.minutes * 60_000, 'bench gateway back', (ts) => sim.setGatewayOnline(gateway, true, ts));
          break;
        }
        case 'rebase':
          ledger.discontinuity(now, injection.meterIds);
          sim.schedule(now, 'bench re-base', (ts) => {
            injection.meterIds.forEach((id, k) => {
              const meter = sim.device(id);
              if (meter === undefined) return;
              sim.advanceMeter(meter, ts);
              // Back to about zero: a few litres or tenths of a kWh, as a DTU reports after its re-base.
              meter.totalLitres = k % 5;
              meter.totalKwh = (k % 3) / 10;
            });
          });
          break;
        case 'clock-jump':
          clock.setJump(injection.jumpMs);
          await clock.until(now + injection.minutes * 60_000);
          clock.setJump(0);
          break;
        case 'site-revision':
          await api.reviseSite(injection.unitId, injection.thresholdLitres, injection.occupancy);
          break;
        case 'drill': {
          const scenario = scenarios.get(injection.scenario);
          if (scenario === undefined) throw new Error(`no scenario ${injection.scenario}`);
          const started = await api.startDrill(injection.scenario);
          drills.push({ scenario, ...started });
          break;
        }
      }
    }
    await clock.until(clock.simEnd - 1000);
    // Simulated time ends here for every part: the devices stop, so the ingest's timers and the
    // server's clock must stop too, or settling would be minutes of simulated silence that no
    // device made (every heartbeat device "offline" at the end of the run).
    clearInterval(watch);
    clock.pause();
    say(`[end of simulated time, wall ${Math.round((Date.now() - wallStart) / 1000)} s] settling`);
    for (const drill of drills) await api.drillFinished(drill.drillId, 120_000);
    for (let i = 0; i < options.settleSeconds * 5 && published() - (await handled()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, options.settleSeconds * 1000));
    await parts.server.follower.sweep();
    const rows = await readRows(parts.db, site.site.id);
    const report = account(
      rows,
      trueIncidents(plan.injections, drills, clock.simStart),
      [...tolerances(plan.injections), ledger.tolerance],
      milestones(plan.injections, clock.simStart),
    );
    return {
      report,
      injections: plan.injections,
      simulatedMs: options.simulatedMs,
      simStart: clock.simStart,
      wallMs: Date.now() - wallStart,
      devices: simulator.simulation.devices.length,
      simulatorStarts: simulator.starts,
      published: published(),
      handled: await handled(),
      maxLag,
      backlogPauseMs,
    };
  } finally {
    clearInterval(watch);
    clock.resume();
    await simulator.stop().catch(() => undefined);
    await parts.stop();
  }
}
