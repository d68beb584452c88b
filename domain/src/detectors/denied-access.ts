import { z } from 'zod';
import type { Reading } from '../model/reading.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { Detector } from './detector.ts';
import { MINUTE_MS, raise } from './findings.ts';

/**
 * Repeated denied access, counted per card or per door: N denials within M minutes raise P3 for
 * security (SPEC §5). State: the times of the last N denials only (≤ N numbers).
 * No clear: a burst of denials is an incident that security closes, not a condition that ends.
 */
export interface DeniedState {
  times: number[];
}

export interface DeniedSpec {
  readonly id: string;
  readonly defaultCount: number;
  readonly defaultWindowMinutes: number;
  /** The card or the door the denials are counted for; undefined: the reading does not count. */
  readonly key: (reading: Reading, device: DeviceContext) => string | undefined;
  readonly prefix: 'card' | 'door';
}

export function deniedAccessRule(spec: DeniedSpec) {
  const configSchema = z.strictObject({
    count: z.number().int().min(2).default(spec.defaultCount),
    windowMinutes: z.number().positive().default(spec.defaultWindowMinutes),
  });
  const detector: Detector<z.infer<typeof configSchema>, DeniedState> = {
    id: spec.id,
    version: 1,
    rules: [spec.id],
    appliesTo: ['access'],
    configSchema,
    stateKey: (reading, device) => {
      const key = reading.kind === 'access' && reading.event === 'denied' ? spec.key(reading, device) : undefined;
      return key === undefined ? undefined : `${spec.prefix}:${key}`;
    },
    initialState: () => ({ times: [] }),

    onReading(state, reading, { config, device }) {
      if (reading.kind !== 'access' || reading.event !== 'denied') return [];
      const subject = spec.key(reading, device);
      if (subject === undefined) return [];
      // Late denials count too, in time order: the window is about when they happened.
      state.times.push(reading.ts);
      state.times.sort((a, b) => a - b);
      const newest = state.times.at(-1) ?? reading.ts;
      state.times = state.times.filter((t) => t > newest - config.windowMinutes * MINUTE_MS).slice(-config.count);
      if (state.times.length < config.count) return [];
      return [
        raise(spec.id, subject, 'P3', {
          denials: state.times.length,
          windowMinutes: config.windowMinutes,
          reader: device.device.id,
          ...(reading.door ? { door: reading.door } : {}),
          ...(reading.card ? { card: reading.card } : {}),
          ...(reading.reason ? { reason: reading.reason } : {}),
        }),
      ];
    },
  };
  return detector;
}
