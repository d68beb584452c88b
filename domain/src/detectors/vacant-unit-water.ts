import { z } from 'zod';
import { addToWindow, type ConsumptionWindowState } from '../meters/consumption-window.ts';
import { occupancyStatuses } from '../site/site-schema.ts';
import type { Detector } from './detector.ts';
import { clear, meterConfigFields, meterStep, raise, registerOptions, WATER_MAX_PER_HOUR } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 空置房水表走动: water consumed in a unit nobody uses.
 * 社区管家工作职责: "当水表在该单位无人居住的情况下运转时，首先关上该单位的水闸阀…" — the same for
 * custody units (托管) and closed shops (商铺停业: "当水表在该商铺无人使用的情况下运转时").
 */
const configSchema = z.strictObject({
  /** Litres in one window that count as "the meter is running"; a few litres of meter creep is noise. */
  thresholdLitres: z.number().positive().default(10),
  windowMinutes: z.number().positive().default(60),
  appliesToOccupancy: z.array(z.enum(occupancyStatuses)).default(['vacant', 'custody', 'shop-closed']),
  ...meterConfigFields(WATER_MAX_PER_HOUR),
});
export type VacantUnitWaterConfig = z.infer<typeof configSchema>;

/** Slots per window: the window slides a sixth at a time, so a steady leak never flaps. */
const SLOTS = 6;

export interface VacantUnitWaterState extends ConsumptionWindowState {
  raised: boolean;
}

const rule = ruleIds.vacantUnitWater;

export const vacantUnitWater: Detector<VacantUnitWaterConfig, VacantUnitWaterState> = {
  id: rule,
  version: 3,
  rules: [rule],
  appliesTo: ['water.total'],
  configSchema,
  stateKey: (_reading, device) => (device.unit === undefined ? undefined : device.device.id),
  // A literal, not a spread of emptyConsumptionWindow(): V8 gives spread-built objects a hidden class
  // of their own once a field changes representation (~300 B per meter at 100,000 meters).
  initialState: () => ({ used: 0, marks: [], raised: false }),

  onReading(state, reading, ctx) {
    const { config, device } = ctx;
    const unit = device.unit;
    if (unit === undefined || reading.kind !== 'water.total') return [];
    const { inWindow } = addToWindow(state, meterStep(ctx), { minutes: config.windowMinutes, slots: SLOTS }, registerOptions(config));
    if (inWindow === undefined) return []; // late or duplicate: changes nothing

    const litres = inWindow * 1000;
    const applies = config.appliesToOccupancy.includes(unit.occupancy);
    if (applies && litres >= config.thresholdLitres) {
      // Raised on every reading while it runs: the store merges repeats and keeps the evidence fresh.
      state.raised = true;
      return [
        raise(rule, unit.id, 'P2', {
          litres: Math.round(litres * 10) / 10,
          windowMinutes: config.windowMinutes,
          occupancy: unit.occupancy,
          meterTotalM3: reading.value,
        }),
      ];
    }
    if (state.raised) {
      // The window's consumption fell below the threshold: the anomaly clears; the work order stays
      // with people, who must still find out why water ran (社区管家职责: 前台查实, 知会业主).
      state.raised = false;
      return [clear(rule, unit.id, false)];
    }
    return [];
  },
};
