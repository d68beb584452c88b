import { z } from 'zod';
import { addToWindow, type ConsumptionWindowState } from '../meters/consumption-window.ts';
import { occupancyStatuses } from '../site/site-schema.ts';
import type { Detector } from './detector.ts';
import { clear, ELECTRICITY_MAX_PER_HOUR, MINUTE_MS, meterConfigFields, meterStep, raise, registerOptions, round3 } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 电表异常运转: a unit nobody uses draws more than standby.
 * 社区管家工作职责: "当发现电表异常运转时，应及时通知相关部门处理，并跟进处理结果，同时记录在《区域巡查记录表》中。"
 * Two ways to see it: a cumulative register whose consumption in the window exceeds standby × the
 * window, or (for a meter that reports no register) instantaneous power above standby without a
 * break for `holdMinutes`.
 */
const configSchema = z.strictObject({
  /** What an empty unit may draw (kW): a fridge left on, a router, meter self-use. Shops: set per unit type. */
  standbyKw: z.number().nonnegative().default(0.05),
  windowMinutes: z.number().positive().default(60),
  /** Power readings above standby for this long raise. */
  holdMinutes: z.number().positive().default(30),
  appliesToOccupancy: z.array(z.enum(occupancyStatuses)).default(['vacant', 'custody', 'shop-closed']),
  ...meterConfigFields(ELECTRICITY_MAX_PER_HOUR),
});
export type VacantUnitElectricityConfig = z.infer<typeof configSchema>;

const SLOTS = 6;

export interface VacantUnitElectricityState extends ConsumptionWindowState {
  /** Since when power readings stay above standby (0: they do not). */
  overSince: number;
  lastPowerTs: number;
  raised: boolean;
}

const rule = ruleIds.vacantUnitElectricity;

export const vacantUnitElectricity: Detector<VacantUnitElectricityConfig, VacantUnitElectricityState> = {
  id: rule,
  version: 2,
  rules: [rule],
  appliesTo: ['electricity.total', 'electricity.power'],
  configSchema,
  stateKey: (_reading, device) => (device.unit === undefined ? undefined : device.device.id),
  // A literal, not a spread: see vacant-unit-water.
  initialState: () => ({ used: 0, marks: [], overSince: 0, lastPowerTs: 0, raised: false }),

  onReading(state, reading, ctx) {
    const { config, device } = ctx;
    const unit = device.unit;
    if (unit === undefined) return [];
    let evidence: Record<string, number | string> | undefined;
    let decided = false;
    if (reading.kind === 'electricity.total') {
      const { inWindow } = addToWindow(state, meterStep(ctx), { minutes: config.windowMinutes, slots: SLOTS }, registerOptions(config));
      if (inWindow === undefined) return [];
      decided = true;
      const allowedKwh = (config.standbyKw * config.windowMinutes) / 60;
      if (inWindow > allowedKwh) evidence = { kwh: round3(inWindow), windowMinutes: config.windowMinutes, standbyKw: config.standbyKw };
    } else if (reading.kind === 'electricity.power') {
      // A meter that also reports its register is judged by the register alone: two views of one
      // meter would otherwise raise and clear each other in turn.
      if (reading.ts <= state.lastPowerTs || state.marks.length > 0) return [];
      state.lastPowerTs = reading.ts;
      if (reading.value <= config.standbyKw) {
        state.overSince = 0;
        decided = true;
      } else {
        if (state.overSince === 0) state.overSince = reading.ts;
        const minutes = (reading.ts - state.overSince) / MINUTE_MS;
        // Until the hold has passed, neither raise nor clear: a kettle in a show flat is not a finding.
        if (minutes >= config.holdMinutes) {
          decided = true;
          evidence = { kw: round3(reading.value), minutesAboveStandby: Math.round(minutes), standbyKw: config.standbyKw };
        }
      }
    }
    if (!decided) return [];
    if (evidence !== undefined && config.appliesToOccupancy.includes(unit.occupancy)) {
      state.raised = true;
      return [raise(rule, unit.id, 'P3', { ...evidence, occupancy: unit.occupancy })];
    }
    if (state.raised) {
      state.raised = false;
      // 跟进处理结果: the anomaly clears, the order stays until the department reports back.
      return [clear(rule, unit.id, false)];
    }
    return [];
  },
};
