import { z } from 'zod';
import type { Detector } from './detector.ts';
import { clear, raise } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 电池电量低 P4 (SPEC §5: maintenance): the device says its battery is low, or its percentage
 * falls to `lowPercent`. Cleared (order closed: the battery was changed) only once the device says
 * it is not low and, if it gives a percentage, at least `recoverPercent`: a battery hovering at the
 * threshold does not flap.
 */
const configSchema = z.strictObject({
  lowPercent: z.number().min(0).max(100).default(20),
  recoverPercent: z.number().min(0).max(100).default(30),
});
export type LowBatteryConfig = z.infer<typeof configSchema>;

export interface LowBatteryState {
  low: boolean;
  ts: number;
}

const rule = ruleIds.lowBattery;

export const lowBattery: Detector<LowBatteryConfig, LowBatteryState> = {
  id: rule,
  version: 1,
  rules: [rule],
  appliesTo: ['battery'],
  configSchema,
  initialState: () => ({ low: false, ts: 0 }),

  onReading(state, reading, { config, device }) {
    if (reading.kind !== 'battery' || reading.ts < state.ts) return [];
    state.ts = reading.ts;
    const { percent } = reading;
    if (!state.low && (reading.low || (percent !== undefined && percent <= config.lowPercent))) {
      state.low = true;
      return [raise(rule, device.device.id, 'P4', { deviceKind: device.kind, ...(percent === undefined ? {} : { percent }) })];
    }
    if (state.low && !reading.low && (percent === undefined || percent >= config.recoverPercent)) {
      state.low = false;
      return [clear(rule, device.device.id, true)];
    }
    return [];
  },
};
