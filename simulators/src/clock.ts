/**
 * Simulated time. Real time is speed 1; "a day in minutes" is speed 144 (a day in 10 minutes) or
 * more. Every timestamp a simulated device writes is simulated time, so the ingest's windows
 * ("10 L within 60 minutes") see a believable day.
 *
 * Accelerated time never runs ahead of the wall clock: an accelerated run of known length starts
 * its simulated day in the past (`anchoredStart`), so the last simulated instant is "now". The
 * ingest trusts a device clock up to 5 minutes ahead and 7 days behind the broker (domain
 * normalizers/clock.ts), so simulated timestamps are kept, never replaced by the receive time,
 * and nothing of a real site is touched: SLA clocks run on the server's wall clock.
 */
export interface SimClock {
  /** Simulated epoch ms at this wall instant. */
  now(): number;
  /** Simulated ms per wall ms. */
  readonly speed: number;
  /** Wall ms until the simulated clock reaches `simTs` (0 when already past). */
  wallDelayUntil(simTs: number): number;
}

/** The ingest trusts device clocks up to 7 days behind the broker; stay well inside that. */
export const MAX_ACCELERATED_LOOKBACK_MS = 6 * 24 * 3_600_000;

/**
 * The simulated start for a run of `wallDurationMs` at `speed` that ends at the wall clock's
 * "now + duration": start = wallStart − (speed − 1) × duration. Throws when the look-back would
 * exceed what the ingest accepts (6 days), with the largest duration that fits.
 */
export function anchoredStart(wallStart: number, speed: number, wallDurationMs: number): number {
  const lookBack = (speed - 1) * wallDurationMs;
  if (lookBack > MAX_ACCELERATED_LOOKBACK_MS) {
    const maxSeconds = Math.floor(MAX_ACCELERATED_LOOKBACK_MS / (speed - 1) / 1000);
    throw new RangeError(`at speed ${speed} a run may last at most ${maxSeconds} s of wall time (simulated time must stay within 6 days of now)`);
  }
  return wallStart - lookBack;
}

export interface ClockOptions {
  readonly speed: number;
  /** Simulated epoch ms at the wall instant `wallStart`; default: the wall time itself. */
  readonly simStart?: number;
  readonly wallStart: number;
  /** Wall clock source (Date.now in production; a variable in tests). */
  readonly wallNow: () => number;
}

/**
 * A clock running at `speed` from `simStart`. Once an accelerated clock catches up with the wall
 * clock it runs on at real speed, so an open-ended accelerated run never writes future timestamps.
 */
export function createSimClock(options: ClockOptions): SimClock {
  if (!(options.speed >= 1) || !Number.isFinite(options.speed)) throw new RangeError(`speed must be a number ≥ 1, not ${options.speed}`);
  const simStart = options.simStart ?? options.wallStart;
  const { speed, wallStart, wallNow } = options;
  if (speed > 1 && simStart > wallStart) throw new RangeError('an accelerated clock must start at or before the wall clock');
  // Wall instant at which simulated time meets wall time: simStart + speed·(w − wallStart) = w.
  const meetsAt = speed === 1 ? Number.POSITIVE_INFINITY : wallStart + (wallStart - simStart) / (speed - 1);
  const simAt = (wall: number) => (wall >= meetsAt ? wall : simStart + speed * (wall - wallStart));
  return {
    speed,
    now: () => simAt(wallNow()),
    wallDelayUntil(simTs) {
      const wall = wallNow();
      const sim = simAt(wall);
      if (simTs <= sim) return 0;
      const accelerated = (simTs - sim) / speed;
      // Beyond the meeting point the clock runs at real speed: the delay is plain wall time.
      return wall + accelerated <= meetsAt ? accelerated : simTs - wall;
    },
  };
}
