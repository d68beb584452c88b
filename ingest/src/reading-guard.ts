import { MAX_DEVICE_CLOCK_AHEAD_MS, MAX_DEVICE_CLOCK_BEHIND_MS, type Reading } from '@dutyroom/domain';

/**
 * The pipeline's own checks on a normalized reading, whatever ecosystem it came from (normalizers
 * check first; this is the rule the documentation promises for every reading): a value that no
 * meter can report is rejected as `impossible-value`.
 */
export function impossibleValue(reading: Reading): string | undefined {
  if (!Number.isFinite(reading.ts) || !Number.isFinite(reading.receivedAt)) return `timestamp ${reading.ts} is not a number`;
  switch (reading.kind) {
    case 'water.total':
    case 'electricity.total':
      if (!Number.isFinite(reading.value)) return `${reading.kind} ${reading.value} is not a number`;
      if (reading.value < 0) return `${reading.kind} ${reading.value} is negative: a register only counts up`;
      return undefined;
    case 'water.flow':
      if (!Number.isFinite(reading.value)) return `${reading.kind} ${reading.value} is not a number`;
      if (reading.value < 0) return `${reading.kind} ${reading.value} is negative`;
      return undefined;
    case 'electricity.power':
      // Negative power is real (a unit exporting solar power); only NaN and infinities are impossible.
      return Number.isFinite(reading.value) ? undefined : `${reading.kind} ${reading.value} is not a number`;
    case 'battery':
      return reading.percent === undefined || (Number.isFinite(reading.percent) && reading.percent >= 0 && reading.percent <= 100)
        ? undefined
        : `battery ${reading.percent}% is outside 0–100`;
    default:
      return undefined;
  }
}

/**
 * Which clock rule applied: a device clock more than 5 minutes ahead or 7 days behind the broker is
 * replaced by the broker's receive time (domain/src/normalizers/clock.ts). Counted, not rejected:
 * a meter whose clock battery died still measures water.
 */
export function clockRule(reading: Reading): 'timestamp-future' | 'timestamp-past' | undefined {
  if (reading.ts === reading.deviceTs) return undefined;
  if (reading.deviceTs > reading.receivedAt + MAX_DEVICE_CLOCK_AHEAD_MS) return 'timestamp-future';
  if (reading.deviceTs < reading.receivedAt - MAX_DEVICE_CLOCK_BEHIND_MS) return 'timestamp-past';
  return undefined;
}

/**
 * Idempotency keys of recently accepted readings, in two generations: a generation turns over when
 * it holds `capacity` keys or is `windowMs` old, so a key is remembered for at least one window
 * (unless 2 × capacity readings came meanwhile). A QoS 1 redelivery or a replay inside it is
 * recognised before any detector sees it. The window is bounded on purpose: ecosystems without a
 * message id get a content hash as key, and the same state hours later is a new observation
 * (docs/protocol.md §2). Older replays meet the database: the telemetry key, `processed_events`.
 */
export class RecentKeys {
  private current = new Set<string>();
  private previous = new Set<string>();
  private generationStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
  ) {}

  /** True when the key was seen within the window; otherwise remembers it. */
  seen(key: string, now: number): boolean {
    if (this.current.size >= this.capacity || now - this.generationStart >= this.windowMs) {
      this.previous = this.current;
      this.current = new Set();
      this.generationStart = now;
    }
    if (this.current.has(key) || this.previous.has(key)) return true;
    this.current.add(key);
    return false;
  }
}
