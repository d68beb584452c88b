/**
 * The bench's one simulated clock, shared by the simulator, the ingest's timers and the server.
 *
 * Like the simulators' `anchoredStart`, a run of `simulatedMs` at `speed` starts that far in the
 * past and ends at the wall clock's present, so every device timestamp is one the ingest keeps
 * (at most 7 days behind the broker; the bench uses at most 6). Two additions:
 *
 * - **pause**: while the bench restarts a process the clock stands still, so a restart costs
 *   no simulated time. A real restart takes seconds against heartbeats of minutes; at speed 400
 *   two wall seconds would be 13 simulated minutes of silence, a fault a real restart never makes.
 * - **host clock jump**: `jumpedNow` is the clock of the host that runs the broker, the ingest and
 *   the server (one host for `npm start`); the bench moves it forward and back, the devices' own
 *   clocks (`now`) do not move.
 */
export interface BenchClock {
  readonly speed: number;
  readonly simStart: number;
  readonly simEnd: number;
  /** Simulated now: what device clocks read. */
  now(): number;
  /** The host's clock: simulated now plus the injected jump. */
  jumpedNow(): number;
  /** Wall time with the pauses taken out; the simulator's runner reads it as its wall clock. */
  virtualWall(): number;
  pause(): void;
  resume(): void;
  setJump(offsetMs: number): void;
  /** Resolves when simulated time reaches `simTs` (polls; the clock may be paused meanwhile). */
  until(simTs: number): Promise<void>;
}

export function createBenchClock(options: { speed: number; simulatedMs: number; wallNow?: () => number }): BenchClock {
  const wallNow = options.wallNow ?? Date.now;
  const { speed, simulatedMs } = options;
  const wallStart = wallNow();
  const simEnd = wallStart + simulatedMs / speed;
  const simStart = simEnd - simulatedMs;
  let pausedTotal = 0;
  let pausedAt: number | undefined;
  let jump = 0;
  const virtualWall = () => (pausedAt ?? wallNow()) - pausedTotal;
  const now = () => simStart + speed * (virtualWall() - wallStart);
  return {
    speed,
    simStart,
    simEnd,
    now,
    jumpedNow: () => now() + jump,
    virtualWall,
    pause() {
      pausedAt ??= wallNow();
    },
    resume() {
      if (pausedAt === undefined) return;
      pausedTotal += wallNow() - pausedAt;
      pausedAt = undefined;
    },
    setJump(offsetMs) {
      jump = offsetMs;
    },
    async until(simTs) {
      while (now() < simTs) {
        const wait = pausedAt === undefined ? Math.min(200, Math.max(5, (simTs - now()) / speed)) : 50;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
  };
}
