import type { DrillCatalogEntry, SiteFile } from '@dutyroom/domain';
import { anchoredStart, createSimClock } from './clock.ts';
import { type Emitted, Simulation } from './engine.ts';
import { previousTimeOfDay, type ResolvedStep, scheduleScenario } from './scenario.ts';
import type { Scenario } from './scenario-schema.ts';

const TICK_MS = 100;

/**
 * One drill played on a site: the scenario's steps on a simulated clock at the scenario's speed,
 * only the devices the steps touch (and those behind a gateway they take offline), every message
 * native with `drill: true` (the engine forces native for drills), no ambient traffic. Like
 * `startRun` the accelerated run ends at the wall clock's present, so every timestamp is one the
 * ingest keeps.
 */
export interface DrillPlay {
  readonly steps: readonly ResolvedStep[];
  readonly unitIds: readonly string[];
  readonly deviceIds: readonly string[];
  readonly finished: Promise<void>;
  stop(): void;
}

export interface DrillPlayOptions {
  readonly site: SiteFile;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly publish: (batch: readonly Emitted[]) => void;
  readonly wallNow?: (() => number) | undefined;
}

/** The simulation a drill plays, with its steps resolved; throws ScenarioError when the site lacks what a step needs. */
export function prepareDrill(site: SiteFile, scenario: Scenario, seed: number, wallStart: number) {
  const wallDurationMs = scenario.duration / scenario.speed;
  const anchored = scenario.speed === 1 ? wallStart : anchoredStart(wallStart, scenario.speed, wallDurationMs);
  const simStart = scenario.startsAt === undefined ? anchored : previousTimeOfDay(anchored, scenario.startsAt, site.site.timezone);
  const simulation = new Simulation({ site, seed, startTs: simStart, ambient: false, drill: true });
  const steps = scheduleScenario(simulation, scenario, simStart);
  const stepDevices = new Set(steps.flatMap((s) => s.deviceIds));
  const involved = new Set([...stepDevices, ...simulation.devices.filter((d) => d.gatewayId !== undefined && stepDevices.has(d.gatewayId)).map((d) => d.id)]);
  return { simulation, steps, simStart, wallDurationMs, involved };
}

export function playDrill(options: DrillPlayOptions): DrillPlay {
  const wallNow = options.wallNow ?? Date.now;
  const wallStart = wallNow();
  const { simulation, steps, simStart, wallDurationMs, involved } = prepareDrill(options.site, options.scenario, options.seed, wallStart);
  const clock = createSimClock({ speed: options.scenario.speed, simStart, wallStart, wallNow });
  const advance = () => options.publish(simulation.advanceTo(clock.now()).filter((e) => involved.has(e.deviceId)));
  let resolveFinished: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    resolveFinished = resolve;
  });
  let done = false;
  const stop = () => {
    if (done) return;
    done = true;
    clearInterval(timer);
    advance();
    resolveFinished();
  };
  const timer = setInterval(() => {
    advance();
    if (wallNow() - wallStart >= wallDurationMs) stop();
  }, TICK_MS);
  return {
    steps,
    unitIds: [...new Set(steps.flatMap((s) => (s.unitId === undefined ? [] : [s.unitId])))],
    deviceIds: [...involved],
    finished,
    stop,
  };
}

/** The catalog entry of a scenario; undefined when it cannot be played on this site (a step finds no device). */
export function catalogEntry(site: SiteFile, scenario: Scenario, wallNow: number): DrillCatalogEntry | undefined {
  try {
    prepareDrill(site, scenario, 1, wallNow);
  } catch {
    return undefined;
  }
  return {
    name: scenario.name,
    title: scenario.title,
    description: (scenario.description ?? '').trim(),
    simulatedMinutes: scenario.duration / 60_000,
    wallSeconds: Math.round(scenario.duration / scenario.speed / 1000),
  };
}
