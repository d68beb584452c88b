import type { SiteFile } from '@dutyroom/domain';
import { type RunningSimulation, type Simulation, type SimulationSnapshot, startRun } from '@dutyroom/simulators';
import type { BenchClock } from './clock.ts';

/**
 * The demo community's devices for the bench: the simulators' runner (the engine `npm start`'s demo
 * player runs: every device of the site in its ecosystem's format, ambient life on) on the bench
 * clock. The bench injects its own leaks instead of the demo player's random ones, so it knows
 * every true incident.
 *
 * A restart is what `npm start` does: the stopping run's state (registers, batteries, report
 * phases, follow-ups, clock; simulators/src/sim-state.ts, saved to the data directory by the demo
 * player) is handed to the new run, which resumes from it.
 */
export interface BenchSimulator {
  readonly simulation: Simulation;
  readonly starts: number;
  /** Messages the current run published (a restart starts a new count). */
  progress(): { published: number };
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchSimulator(options: {
  site: SiteFile;
  url: string;
  clock: BenchClock;
  seed: number;
  clientId: string;
}): Promise<BenchSimulator> {
  const { clock } = options;
  let starts = 0;
  const start = async (resume?: SimulationSnapshot): Promise<RunningSimulation> => {
    starts += 1;
    return startRun({
      resume,
      site: options.site,
      connection: { url: options.url },
      seed: options.seed,
      speed: clock.speed,
      // The runner anchors its start so that it ends at the bench's end: it continues the bench clock.
      wallDurationMs: Math.max(1, clock.simEnd - clock.virtualWall()),
      wallNow: clock.virtualWall,
      ambient: true,
      clientId: options.clientId,
    });
  };
  let run = await start();
  return {
    get simulation() {
      return run.simulation;
    },
    get starts() {
      return starts;
    },
    progress: () => run.progress(),
    async restart() {
      // The snapshot after the stop, as the demo player saves on stop: a batch published while
      // stopping is in it, so the resumed registers never start below what the ingest has.
      await run.stop();
      run = await start(run.simulation.snapshot());
    },
    async stop() {
      await run.stop();
    },
  };
}
