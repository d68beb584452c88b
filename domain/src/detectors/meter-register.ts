import { z } from 'zod';
import { judgeStep } from '../meters/register.ts';
import type { Detector } from './detector.ts';
import { meterConfigFields, meterStep, raise, registerOptions, round3, WATER_MAX_PER_HOUR } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 表计回退 / 跳变 P4 (SPEC §5: counter went backwards → maintenance): the register findings of
 * meters/register.ts, reported once per occurrence. A total that goes backwards is a replaced or
 * reset meter (reference/device-ecosystems.md: Tasmota counters roll back after a power cut,
 * arendst/Tasmota #7766); an implausible jump is a misread frame, a wrong scale or a new meter with
 * a higher start. Either way the consumption rules took a new baseline and counted nothing;
 * maintenance confirms the meter and records the new start reading. No clear: people close it.
 */
const configSchema = z.strictObject({
  ...meterConfigFields(WATER_MAX_PER_HOUR),
  /** Electricity registers get their own bound (kWh per hour). */
  electricityMaxPerHour: z.number().positive().default(500),
});
export type MeterRegisterConfig = z.infer<typeof configSchema>;

/**
 * No state of its own: it judges the meter's shared register (DetectorContext.meter), which the
 * pipeline keeps and snapshots. An empty state is never stored (detector states are lazy).
 */
export type MeterRegisterState = Record<string, never>;

export const meterRegister: Detector<MeterRegisterConfig, MeterRegisterState> = {
  id: 'meter-register',
  version: 2,
  rules: [ruleIds.counterBackwards, ruleIds.meterJump],
  appliesTo: ['water.total', 'electricity.total'],
  configSchema,
  initialState: () => ({}),

  onReading(_state, reading, ctx) {
    const { config, device } = ctx;
    if (reading.kind !== 'water.total' && reading.kind !== 'electricity.total') return [];
    const maxPerHour = reading.kind === 'water.total' ? config.meterMaxPerHour : config.electricityMaxPerHour;
    const verdict = judgeStep(meterStep(ctx), { ...registerOptions(config), maxPerHour });
    const measuredIn = reading.kind === 'water.total' ? 'm3' : 'kWh';
    const where = device.unit ? { unit: device.unit.id } : {};
    if (verdict.kind === 'reset')
      return [raise(ruleIds.counterBackwards, device.device.id, 'P4', { from: verdict.from, to: verdict.to, measuredIn, ...where })];
    if (verdict.kind === 'jump') {
      return [
        raise(ruleIds.meterJump, device.device.id, 'P4', {
          from: verdict.from,
          to: verdict.to,
          delta: round3(verdict.delta),
          hours: round3(verdict.ms / 3_600_000),
          measuredIn,
          ...where,
        }),
      ];
    }
    return [];
  },
};
