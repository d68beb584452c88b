import type { z } from 'zod';
import type { Severity } from '../model/anomaly.ts';
import type { Reading, ReadingKind } from '../model/reading.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { Detector } from './detector.ts';
import { clear, raise } from './findings.ts';

/** A door that stands open too long: pending from the first "open", raised when the hold runs out. */
export interface OpenDoorState {
  open: boolean;
  since: number;
  dueAt: number;
  /** Latest reading applied: a late "open" must not reopen a door that has since closed. */
  ts: number;
  raised: boolean;
  door: string;
}

/** What a reading says of the door: open, closed, the reader's own "held open" alarm, or nothing. */
export type DoorSignal = 'open' | 'closed' | 'held' | undefined;

/** Door contacts and access events as door signals (a contact's `open` is already polarity-corrected). */
export function doorSignal(reading: Reading): DoorSignal {
  if (reading.kind === 'contact') return reading.open ? 'open' : 'closed';
  if (reading.kind !== 'access') return undefined;
  if (reading.event === 'opened') return 'open';
  if (reading.event === 'closed') return 'closed';
  return reading.event === 'held-open' ? 'held' : undefined;
}

export const doorName = (reading: Reading, device: DeviceContext): string =>
  reading.kind === 'access' && reading.door !== undefined ? reading.door : device.device.id;

export interface OpenDoorSpec<Config> {
  readonly id: string;
  readonly severity: Severity;
  readonly configSchema: z.ZodType<Config>;
  readonly appliesTo: readonly ReadingKind[];
  /** Whether this rule watches the device (fire doors for one rule, the other doors for the other). */
  readonly watches: (device: DeviceContext) => boolean;
  readonly holdMs: (config: Config) => number;
}

export function openDoorRule<Config>(spec: OpenDoorSpec<Config>): Detector<Config, OpenDoorState> {
  const fire = (state: OpenDoorState, now: number, device: DeviceContext, config: Config) => {
    state.raised = true;
    return [
      raise(spec.id, state.door, spec.severity, {
        openSeconds: Math.round((now - state.since) / 1000),
        holdSeconds: Math.round(spec.holdMs(config) / 1000),
        ...(device.areaId ? { area: device.areaId } : {}),
      }),
    ];
  };
  return {
    id: spec.id,
    version: 1,
    rules: [spec.id],
    appliesTo: spec.appliesTo,
    configSchema: spec.configSchema,
    stateKey: (reading, device) => (spec.watches(device) && doorSignal(reading) !== undefined ? `door:${doorName(reading, device)}` : undefined),
    initialState: () => ({ open: false, since: 0, dueAt: 0, ts: 0, raised: false, door: '' }),

    onReading(state, reading, { config, device }) {
      const signal = doorSignal(reading);
      if (signal === undefined || !spec.watches(device) || reading.ts < state.ts) return [];
      state.ts = reading.ts;
      state.door = doorName(reading, device);
      if (signal === 'closed') {
        const wasRaised = state.raised;
        Object.assign(state, { open: false, since: 0, dueAt: 0, raised: false });
        // Closed is the fix: the order closes with it.
        return wasRaised ? [clear(spec.id, state.door, true)] : [];
      }
      if (!state.open) Object.assign(state, { open: true, since: reading.ts, dueAt: reading.ts + spec.holdMs(config) });
      // The reader's own held-open alarm means its timer already ran out.
      if (!state.raised && (signal === 'held' || reading.ts >= state.dueAt)) return fire(state, reading.ts, device, config);
      return [];
    },

    wakeAt: (state) => (state.open && !state.raised ? state.dueAt : undefined),
    onTick(state, { config, device, now }) {
      return state.open && !state.raised && now >= state.dueAt ? fire(state, now, device, config) : [];
    },
  };
}
