import type { z } from 'zod';
import type { MeterStep } from '../meters/register.ts';
import type { DetectorEvent } from '../model/anomaly.ts';
import type { Reading, ReadingKind } from '../model/reading.ts';
import type { DeviceContext } from '../site/site-index.ts';

export interface DetectorContext<Config> {
  /** The rule's configuration for this device's site and unit type (site file `rules`, `rulesByUnitType`). */
  readonly config: Config;
  /** The device whose reading is handled; in `onTick`, the device that last touched the state. */
  readonly device: DeviceContext;
  /** The reading's trusted timestamp in `onReading`, the tick time in `onTick`: domain code never reads the clock. */
  readonly now: number;
  /**
   * For a register reading (water.total, electricity.total): the step of the device's ONE meter
   * register, which the pipeline advances once per reading for every meter rule (judge it with
   * `judgeStep` and the rule's own bound). Valid during the call only; absent in `onTick`.
   */
  readonly meter?: MeterStep;
}

/**
 * What a restarted ingest knows when it resumes a device's state (docs/ingest.md § Timers and
 * restarts): when it started, until when the previous run is known to have listened, and the
 * device's newest stored reading (which may be newer than the state's snapshot).
 */
export interface ResumeContext<Config> {
  readonly config: Config;
  readonly device: DeviceContext;
  /** When this ingest started (epoch ms). */
  readonly startedAt: number;
  /** The newest moment the previous run is known to have been listening (its last stored reading or snapshot); 0: unknown. */
  readonly listeningUntil: number;
  /** The device's newest stored reading (ts), or 0 if none is known. */
  readonly lastReadingTs: number;
}

/**
 * A detector is pure: state in, reading (or tick) in → state out (mutated in place), findings out.
 * State is plain JSON data owned by the pipeline, which snapshots it so that "for N minutes" and
 * hold-down timers survive a restart of the ingest.
 */
export interface Detector<Config, State> {
  /** Stable: part of dedup keys, config paths and state snapshots. */
  readonly id: string;
  /** Bump when the state shape changes: a snapshot of another version is discarded, not misread. */
  readonly version: number;
  /** The rule ids its events carry (most detectors: one, equal to `id`); each has a title and an SOP checklist. */
  readonly rules: readonly string[];
  readonly appliesTo: readonly ReadingKind[];
  /** `.default()` values are the seed defaults; parsing `{}` gives the full configuration. */
  readonly configSchema: z.ZodType<Config>;
  /**
   * Which state a reading belongs to. Default: one state per device. A rule about a fire zone, a
   * door or a card keys by that instead; undefined skips the reading.
   */
  stateKey?(reading: Reading, device: DeviceContext): string | undefined;
  initialState(device: DeviceContext): State;
  onReading(state: State, reading: Reading, ctx: DetectorContext<Config>): readonly DetectorEvent[];
  /** Duration rules, hold-downs and missed heartbeats: called once the time `wakeAt` gives has come. */
  onTick?(state: State, ctx: DetectorContext<Config>): readonly DetectorEvent[];
  /** When this state next needs a tick (epoch ms), or undefined for never. */
  wakeAt?(state: State): number | undefined;
  /**
   * After a restart, before the first tick: bring a device-keyed state (its snapshot, else its
   * initial state) up to the device's newest stored reading, and move timers the ingest's own
   * absence must not fire (a restart raises nothing the devices did not cause).
   */
  resume?(state: State, ctx: ResumeContext<Config>): void;
}

/** Erases the type parameters for the registry; each detector checks its own state shape. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds detectors of different Config/State types
export type AnyDetector = Detector<any, any>;
