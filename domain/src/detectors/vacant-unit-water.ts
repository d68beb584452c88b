import { z } from 'zod';
import type { OccupancyStatus } from '../site/site-schema.ts';
import type { Detector } from './detector.ts';

/**
 * 空置房水表走动: water consumed in a unit nobody uses.
 * 社区管家工作职责: "当水表在该单位无人居住的情况下运转时，首先关上该单位的水闸阀…" — the same for
 * custody units (托管) and closed shops (商铺停业).
 */
const configSchema = z.strictObject({
  /** Litres in one window that count as "the meter is running"; a few litres of meter creep is noise. */
  thresholdLitres: z.number().positive().default(10),
  windowMinutes: z.number().positive().default(60),
  appliesToOccupancy: z.array(z.enum(['occupied', 'vacant', 'custody', 'decorating', 'shop-closed'])).default(['vacant', 'custody', 'shop-closed']),
});
export type VacantUnitWaterConfig = z.infer<typeof configSchema>;

/** Slots per window: the window slides a sixth at a time, so a steady leak never flaps. */
const SLOTS = 6;

/**
 * `marks` holds, per slot inside the window, the register total when that slot began (oldest
 * first). Consumption in the window = total now − the oldest mark. Readings older than the last
 * one (late, duplicate) change nothing.
 */
export interface VacantUnitWaterState {
  marks: { slot: number; total: number }[];
  lastTs: number;
  lastTotal: number;
  raised: boolean;
}

export const vacantUnitWater: Detector<VacantUnitWaterConfig, VacantUnitWaterState> = {
  id: 'vacant-unit-water',
  version: 1,
  appliesTo: ['water.total'],
  configSchema,
  initialState: () => ({ marks: [], lastTs: 0, lastTotal: 0, raised: false }),

  onReading(state, reading, { config, device }) {
    const unit = device.unit;
    if (unit === undefined || reading.kind !== 'water.total') return [];
    const slotMs = (config.windowMinutes * 60_000) / SLOTS;
    const slot = Math.floor(reading.ts / slotMs);
    if (state.lastTs === 0 || reading.value < state.lastTotal) {
      // First reading, or the register went backwards (meter replaced or reset): start afresh.
      Object.assign(state, { marks: [{ slot, total: reading.value }], lastTs: reading.ts, lastTotal: reading.value });
      return [];
    }
    if (reading.ts <= state.lastTs) return [];

    if (state.marks.at(-1)?.slot !== slot) state.marks.push({ slot, total: state.lastTotal });
    while ((state.marks[0]?.slot ?? slot) < slot - SLOTS) state.marks.shift();
    state.lastTs = reading.ts;
    state.lastTotal = reading.value;

    const litres = (reading.value - (state.marks[0]?.total ?? reading.value)) * 1000;
    const applies = (config.appliesToOccupancy as readonly OccupancyStatus[]).includes(unit.occupancy);
    if (applies && litres >= config.thresholdLitres) {
      state.raised = true;
      return [
        {
          type: 'raise',
          rule: 'vacant-unit-water',
          subject: unit.id,
          severity: 'P2',
          evidence: { litres: Math.round(litres * 10) / 10, windowMinutes: config.windowMinutes, occupancy: unit.occupancy, meterTotalM3: reading.value },
        },
      ];
    }
    if (state.raised) {
      // The window's consumption fell below the threshold: the anomaly clears; the work order stays with people.
      state.raised = false;
      return [{ type: 'clear', rule: 'vacant-unit-water', subject: unit.id, closesWorkOrder: false }];
    }
    return [];
  },
};
