import { z } from 'zod';
import { judgeStep, KEPT_REPORTING_MS, RESET_MAX, type RegisterOptions } from '../meters/register.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { Detector } from './detector.ts';
import { meterConfigFields, meterStep, raise, round3, WATER_MAX_PER_HOUR } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 表计回退 / 跳变 P4 (SPEC §5: counter went backwards → maintenance): the register findings of
 * meters/register.ts, reported once per occurrence. Every discontinuity is classified
 * (docs/detectors.md § Meter arithmetic): a register back at ~0 (a rebooted pulse module or
 * Tasmota counter, a re-based DTU) is a `reset`, a step back further than the meter could run is a
 * `replacement`, a plausible step back after a silence is a `reset` (Tasmota restores an older saved
 * count after a power cut, arendst/Tasmota #7766): all three are a new baseline and no finding.
 * Only a `backwards` step, on a meter that kept reporting, raises counter-backwards; an implausible
 * jump (a misread frame, a wrong scale) raises meter-jump. No clear: people close it.
 */
const configSchema = z.strictObject({
  ...meterConfigFields(WATER_MAX_PER_HOUR),
  /** Electricity registers get their own bound (kWh per hour). */
  electricityMaxPerHour: z.number().positive().default(500),
  /** A step back to at most this total (m³ or kWh) is a register restarted at ~0: a reset, no finding. */
  meterResetMax: z.number().nonnegative().default(RESET_MAX),
  /**
   * A meter whose previous reading is at most this old (or two of its heartbeat intervals, if
   * longer) kept reporting: only then is a plausible step back a real `backwards` finding.
   */
  meterKeptReportingMinutes: z
    .number()
    .positive()
    .default(KEPT_REPORTING_MS / 60_000),
});
export type MeterRegisterConfig = z.infer<typeof configSchema>;

/**
 * No state of its own: it judges the meter's shared register (DetectorContext.meter), which the
 * pipeline keeps and snapshots. An empty state is never stored (detector states are lazy).
 */
export type MeterRegisterState = Record<string, never>;

/**
 * The classification bounds of a meter's register: the ingest classifies every step of the one
 * register with these (metrics, log, the register's `last`), and this rule judges by them.
 */
export function meterRegisterOptions(config: MeterRegisterConfig, device: DeviceContext, kind: 'water.total' | 'electricity.total'): RegisterOptions {
  const heartbeatMs = (device.device.heartbeatSeconds ?? 0) * 1000;
  return {
    rollover: config.meterRollover,
    maxPerHour: kind === 'water.total' ? config.meterMaxPerHour : config.electricityMaxPerHour,
    resetMax: config.meterResetMax,
    keptReportingMs: Math.max(config.meterKeptReportingMinutes * 60_000, 2 * heartbeatMs),
  };
}

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
    const step = meterStep(ctx);
    const verdict = judgeStep(step, meterRegisterOptions(config, device, reading.kind));
    if (verdict.kind !== 'backwards' && verdict.kind !== 'jump') return [];
    const evidence: Record<string, string | number> = {
      kind: verdict.kind,
      from: verdict.from,
      to: verdict.to,
      minutesSincePrevious: round3(verdict.ms / 60_000),
      measuredIn: reading.kind === 'water.total' ? 'm3' : 'kWh',
    };
    if (device.unit) evidence['unit'] = device.unit.id;
    // The meter's previous discontinuity (a reset an hour ago explains a lot).
    if (step.last !== undefined) {
      evidence['lastBreak'] = step.last.kind;
      evidence['lastBreakAt'] = step.last.at;
    }
    if (verdict.kind === 'jump') {
      return [raise(ruleIds.meterJump, device.device.id, 'P4', { ...evidence, delta: round3(verdict.delta), hours: round3(verdict.ms / 3_600_000) })];
    }
    return [raise(ruleIds.counterBackwards, device.device.id, 'P4', { ...evidence, back: round3(verdict.from - verdict.to) })];
  },
};
