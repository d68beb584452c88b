import { z } from 'zod';
import { advanceRegister, consumed, type RegisterState, roundMeter } from '../meters/register.ts';
import { zonedDayStart } from '../time/local-time.ts';
import type { Detector } from './detector.ts';
import { clear, meterConfigFields, raise, registerOptions, round3 } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 托管超量: a unit in custody has used more than its allowance since custody began.
 * 房屋托管: "查抄水表、电表读数，托管期间水表不超过5º，电表不超过20º".
 *
 * The count starts from the meter readings taken at custody start (site file: occupancy
 * `{ status: custody, since, startReadings }`). Without them it starts from the first reading the
 * ingest sees during custody, and the evidence says so. A reset or replaced meter never adds
 * consumption (meters/register.ts); what was used before it still counts.
 */
const configSchema = z.strictObject({
  /** 房屋托管: 水表不超过 5 m³. */
  waterM3: z.number().positive().default(5),
  /** 房屋托管: 电表不超过 20 kWh. */
  electricityKwh: z.number().positive().default(20),
  // Water and electricity registers share the wider of the two plausibility bounds.
  ...meterConfigFields(500),
});
export type CustodyAllowanceConfig = z.infer<typeof configSchema>;

/**
 * Its own register (`total`, `ts`, flat: no nested object), not the meter's shared one: the count
 * starts from the start reading taken when custody began, which the meter never reported. Outside
 * custody the state stays initial, and the ingest stores none.
 */
export interface CustodyAllowanceState extends RegisterState {
  /** Which custody period the count belongs to (its `since`, or "" when the site file gives none). */
  period: string | null;
  /** Start of the custody period (epoch ms; 0: unknown), computed once per period. */
  from: number;
  used: number;
  fromStartReading: boolean;
  raised: boolean;
}

const rules = { 'water.total': ruleIds.custodyWaterAllowance, 'electricity.total': ruleIds.custodyElectricityAllowance } as const;

export const custodyAllowance: Detector<CustodyAllowanceConfig, CustodyAllowanceState> = {
  id: 'custody-allowance',
  version: 2,
  rules: Object.values(rules),
  appliesTo: ['water.total', 'electricity.total'],
  configSchema,
  stateKey: (_reading, device) => (device.unit === undefined ? undefined : device.device.id),
  initialState: () => ({ period: null, from: 0, total: 0, ts: 0, used: 0, fromStartReading: false, raised: false }),

  onReading(state, reading, { config, device }) {
    const unit = device.unit;
    if (unit === undefined || (reading.kind !== 'water.total' && reading.kind !== 'electricity.total')) return [];
    const rule = rules[reading.kind];
    if (unit.occupancy !== 'custody') {
      // Custody ended (the site file changed): the count is over; an open order stays with people.
      const events = state.raised ? [clear(rule, unit.id, false)] : [];
      Object.assign(state, custodyAllowance.initialState(device));
      return events;
    }
    const period = unit.occupancySince ?? '';
    if (state.period !== period) {
      const from = period === '' ? 0 : zonedDayStart(period, device.timezone ?? 'Asia/Shanghai');
      const water = reading.kind === 'water.total';
      const start = water ? unit.startReadings?.waterM3 : unit.startReadings?.electricityKwh;
      Object.assign(state, { period, from, total: 0, ts: 0, used: 0, fromStartReading: start !== undefined, raised: false });
      // The start reading stands as the register's first reading, taken when custody began.
      if (start !== undefined) Object.assign(state, { total: start, ts: Math.max(from, 1) });
    }
    if (reading.ts < state.from) return []; // a late reading from before custody began

    const verdict = advanceRegister(state, reading.value, reading.ts, registerOptions(config));
    state.used = roundMeter(state.used + consumed(verdict));
    const allowance = reading.kind === 'water.total' ? config.waterM3 : config.electricityKwh;
    if (state.used <= allowance || state.raised) return [];
    // Raised once per custody period: consumption cannot go back under the allowance.
    state.raised = true;
    return [
      raise(rule, unit.id, 'P3', {
        used: round3(state.used),
        allowance,
        measuredIn: reading.kind === 'water.total' ? 'm3' : 'kWh',
        since: period === '' ? 'first reading' : period,
        baseline: state.fromStartReading ? 'start reading' : 'first reading seen',
      }),
    ];
  },
};
