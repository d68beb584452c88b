import type { z } from 'zod';
import type { DetectorEvent } from '../model/anomaly.ts';
import type { Reading, ReadingKind } from '../model/reading.ts';
import type { DeviceContext } from '../site/site-index.ts';

export interface DetectorContext<Config> {
  readonly config: Config;
  readonly device: DeviceContext;
}

/**
 * A detector is pure: state in, reading in → findings out. State is plain JSON data owned by the
 * pipeline (mutated in place for speed, snapshotted for restarts); time comes from the reading.
 */
export interface Detector<Config, State> {
  /** Stable: part of dedup keys, config paths and state snapshots. */
  readonly id: string;
  readonly version: number;
  readonly appliesTo: readonly ReadingKind[];
  /** `.default()` values are the seed defaults; parsing `{}` gives the full configuration. */
  readonly configSchema: z.ZodType<Config>;
  initialState(): State;
  onReading(state: State, reading: Reading, ctx: DetectorContext<Config>): readonly DetectorEvent[];
}

/** Erases the type parameters for the registry; each detector checks its own state shape. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds detectors of different Config/State types
export type AnyDetector = Detector<any, any>;
