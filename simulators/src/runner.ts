import type { SiteFile } from '@dutyroom/domain';
import { connectMqtt, type MqttConnection, waitForConnect } from '@dutyroom/platform';
import { anchoredStart, createSimClock, type SimClock } from './clock.ts';
import { type Emitted, Simulation } from './engine.ts';
import { previousTimeOfDay, type ResolvedStep, scheduleScenario } from './scenario.ts';
import type { Scenario } from './scenario-schema.ts';
import type { SimulationSnapshot } from './sim-state.ts';

export interface RunOptions {
  readonly site: SiteFile;
  readonly connection: MqttConnection;
  readonly seed: number;
  /** Simulated time per wall time: 1 is real time; 144 plays a day in 10 minutes. */
  readonly speed: number;
  /** Wall time the run lasts; open-ended when undefined (stop() ends it). */
  readonly wallDurationMs?: number | undefined;
  readonly scenario?: Scenario | undefined;
  /** 演练: flag every message that can carry it (native `drill: true`). */
  readonly drill?: boolean | undefined;
  readonly ambient?: boolean | undefined;
  readonly meterIntervalSeconds?: number | undefined;
  readonly clientId?: string | undefined;
  /** Publish the retained "online" of every device first. */
  readonly announce?: boolean | undefined;
  readonly onProgress?: ((progress: RunProgress) => void) | undefined;
  readonly wallNow?: (() => number) | undefined;
  /** Carry on from a saved snapshot (src/sim-state.ts): the devices and the simulated clock resume. */
  readonly resume?: SimulationSnapshot | undefined;
}

export interface RunProgress {
  readonly simNow: number;
  readonly published: number;
  readonly failed: number;
  readonly byTopicRoot: Readonly<Record<string, number>>;
}

export interface RunSummary extends RunProgress {
  readonly simStart: number;
  readonly wallMs: number;
  readonly events: Readonly<Record<string, number>>;
  readonly steps: readonly ResolvedStep[];
}

export interface RunningSimulation {
  readonly simulation: Simulation;
  readonly clock: SimClock;
  readonly simStart: number;
  readonly steps: readonly ResolvedStep[];
  /** Resolves when the run has lasted its duration (never for an open-ended run). */
  readonly finished: Promise<RunSummary>;
  progress(): RunProgress;
  stop(): Promise<RunSummary>;
}

const TICK_MS = 100;
const OPEN_ENDED_LOOKBACK_MS = 86_400_000;

/**
 * Plays a site (and a scenario) over MQTT on a simulated clock: every 100 ms of wall time the
 * simulation advances to the clock's now and its messages are published, stamped with simulated
 * time. An accelerated run starts in the past and ends at the wall clock's present (src/clock.ts).
 */
export async function startRun(options: RunOptions): Promise<RunningSimulation> {
  const wallNow = options.wallNow ?? Date.now;
  const wallStart = wallNow();
  const anchored =
    options.speed === 1
      ? wallStart
      : options.wallDurationMs !== undefined
        ? anchoredStart(wallStart, options.speed, options.wallDurationMs)
        : wallStart - OPEN_ENDED_LOOKBACK_MS;
  const startsAt = options.scenario?.startsAt;
  const fresh = startsAt === undefined ? anchored : previousTimeOfDay(anchored, startsAt, options.site.site.timezone);
  const simStart = options.resume === undefined ? fresh : resumedStart(options.resume.simNow, fresh, wallStart, options.speed);
  const clock = createSimClock({ speed: options.speed, simStart, wallStart, wallNow });
  const simulation = new Simulation({
    site: options.site,
    seed: options.seed,
    startTs: simStart,
    meterIntervalSeconds: options.meterIntervalSeconds,
    ambient: options.ambient,
    drill: options.drill,
    resume: options.resume,
  });
  const steps = options.scenario ? scheduleScenario(simulation, options.scenario, simStart) : [];

  const client = connectMqtt(options.connection, { clientId: options.clientId ?? `dutyroom-sim-${process.pid}-${wallStart.toString(36)}`, clean: true });
  await waitForConnect(client);
  let published = 0;
  let failed = 0;
  const byTopicRoot: Record<string, number> = {};
  const publish = (batch: readonly Emitted[]) => {
    for (const { message } of batch) {
      const root = message.topic.split('/').find((level) => level !== '') ?? '';
      byTopicRoot[root] = (byTopicRoot[root] ?? 0) + 1;
      client.publish(message.topic, message.payload, { qos: message.qos, retain: message.retain }, (error) => {
        if (error) failed += 1;
        else published += 1;
      });
    }
  };
  const progress = (): RunProgress => ({ simNow: simulation.now, published, failed, byTopicRoot: { ...byTopicRoot } });

  if (options.announce ?? true) publish(simulation.announce());
  let lastProgress = wallStart;
  let resolveFinished: (summary: RunSummary) => void = () => undefined;
  const finished = new Promise<RunSummary>((resolve) => {
    resolveFinished = resolve;
  });
  let stopped: Promise<RunSummary> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      clearInterval(timer);
      publish(simulation.advanceTo(clock.now()));
      await client.endAsync();
      const summary: RunSummary = { ...progress(), simStart, wallMs: wallNow() - wallStart, events: Object.fromEntries(simulation.eventsRun), steps };
      resolveFinished(summary);
      return summary;
    })();
    return stopped;
  };
  const timer = setInterval(() => {
    publish(simulation.advanceTo(clock.now()));
    const wall = wallNow();
    if (options.onProgress && wall - lastProgress >= 1000) {
      lastProgress = wall;
      options.onProgress(progress());
    }
    if (options.wallDurationMs !== undefined && wall - wallStart >= options.wallDurationMs) void stop();
  }, TICK_MS);

  return { simulation, clock, simStart, steps, finished, progress, stop };
}

/**
 * Where a resumed run's clock starts. Real time runs on the wall clock (the stop was a gap in
 * time, and the meters have turned meanwhile). An accelerated clock carries on from where it
 * stopped rather than from its usual look-back, which would write readings older than the ones the
 * ingest already has; it never starts ahead of the wall clock, nor further back than a fresh run.
 */
export function resumedStart(savedSimNow: number, freshStart: number, wallStart: number, speed: number): number {
  if (speed === 1) return freshStart;
  return Math.min(wallStart, Math.max(savedSimNow, freshStart));
}
