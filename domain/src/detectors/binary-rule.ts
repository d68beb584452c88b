import { z } from 'zod';
import type { Severity } from '../model/anomaly.ts';
import type { Reading, ReadingKind } from '../model/reading.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { Detector } from './detector.ts';
import { clear, raise } from './findings.ts';

/** A condition that is on or off: on raises, off clears. ~30 B of state. */
export interface BinaryState {
  on: boolean;
  /** Time of the reading that set `on`: older readings arriving late change nothing. */
  ts: number;
}

export interface BinaryRuleSpec {
  readonly id: string;
  readonly appliesTo: readonly ReadingKind[];
  readonly severity: Severity;
  /** Whether the condition going off also closes the work order (per rule: SPEC §5 "or leaves it to people"). */
  readonly closesWorkOrder: boolean;
  /** True: the condition is on; false: off; undefined: the reading says nothing about it. */
  readonly active: (reading: Reading, device: DeviceContext) => boolean | undefined;
  readonly subject?: (reading: Reading, device: DeviceContext) => string;
  readonly evidence?: (reading: Reading, device: DeviceContext) => Record<string, string | number | boolean>;
  /**
   * Life safety: every "on" raises, even a repeat or a late one (never suppressed; the store merges
   * repeats). Otherwise only the change from off to on raises.
   */
  readonly lifeSafety?: boolean;
}

const noConfig = z.strictObject({});

/** Builds a detector for an on/off condition (gas, leak, tamper, a locked fire door…). */
export function binaryRule(spec: BinaryRuleSpec): Detector<Record<string, never>, BinaryState> {
  const subjectOf = spec.subject ?? ((_r: Reading, device: DeviceContext) => device.device.id);
  return {
    id: spec.id,
    version: 1,
    rules: [spec.id],
    appliesTo: spec.appliesTo,
    configSchema: noConfig as z.ZodType<Record<string, never>>,
    stateKey: (reading, device) => (spec.active(reading, device) === undefined ? undefined : subjectOf(reading, device)),
    initialState: () => ({ on: false, ts: 0 }),

    onReading(state, reading, { device }) {
      const active = spec.active(reading, device);
      if (active === undefined) return [];
      const subject = subjectOf(reading, device);
      const late = reading.ts < state.ts;
      if (active && (spec.lifeSafety || (!late && !state.on))) {
        if (!late) Object.assign(state, { on: true, ts: reading.ts });
        return [raise(spec.id, subject, spec.severity, { ...spec.evidence?.(reading, device), ...(late ? { late: true } : {}) })];
      }
      if (late) return [];
      const wasOn = state.on;
      Object.assign(state, { on: active, ts: reading.ts });
      return wasOn && !active ? [clear(spec.id, subject, spec.closesWorkOrder)] : [];
    },
  };
}
