import { z } from 'zod';
import { judgeStep } from '../meters/register.ts';
import type { Detector } from './detector.ts';
import { clear, HOUR_MS, MINUTE_MS, meterConfigFields, meterStep, meterSubject, raise, registerOptions, round3 } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 爆管: flow above what the pipe ever carries in use, for minutes (SPEC §5: P1 for public mains,
 * P2 in units). Flow comes from flow readings, or from the register's step per hour.
 */
const configSchema = z.strictObject({
  /** A DN15 household meter's permanent flow Q3 is 2.5 m³/h; everyday peaks stay below 2. */
  unitMaxFlowM3h: z.number().positive().default(2),
  /** Public mains (meters outside units): set per site from the main's size. */
  mainsMaxFlowM3h: z.number().positive().default(30),
  holdMinutes: z.number().positive().default(3),
  // A burst must still be measured, not taken for an implausible jump: the bound is generous.
  ...meterConfigFields(200),
});
export type BurstConfig = z.infer<typeof configSchema>;

/** The register is the meter's shared one (DetectorContext.meter): not part of this state. */
export interface BurstState {
  /** Since when the flow stays above the maximum (0: it does not). */
  overSince: number;
  /** When the hold ends (wakeAt: ticks need no config). */
  dueAt: number;
  lastTs: number;
  peak: number;
  raised: boolean;
}

const rule = ruleIds.burst;

export const burst: Detector<BurstConfig, BurstState> = {
  id: rule,
  version: 2,
  rules: [rule],
  appliesTo: ['water.total', 'water.flow'],
  configSchema,
  initialState: () => ({ overSince: 0, dueAt: 0, lastTs: 0, peak: 0, raised: false }),

  onReading(state, reading, ctx) {
    const { config, device } = ctx;
    let flow: number | undefined;
    let from = reading.ts;
    if (reading.kind === 'water.flow') {
      if (reading.ts <= state.lastTs) return [];
      flow = reading.value;
    } else if (reading.kind === 'water.total') {
      const verdict = judgeStep(meterStep(ctx), registerOptions(config));
      if (verdict.kind === 'normal' || verdict.kind === 'rollover') {
        flow = (verdict.delta * HOUR_MS) / verdict.ms;
        from = reading.ts - verdict.ms; // the step's flow ran since the previous reading
      }
    }
    if (flow === undefined) return [];
    state.lastTs = Math.max(state.lastTs, reading.ts);
    const max = device.unit === undefined ? config.mainsMaxFlowM3h : config.unitMaxFlowM3h;
    if (flow <= max) {
      Object.assign(state, { overSince: 0, dueAt: 0, peak: 0 });
      if (!state.raised) return [];
      state.raised = false;
      // The flow fell (a valve was closed?): the pipe still needs maintenance; the order stays.
      return [clear(rule, meterSubject(device), false)];
    }
    if (state.overSince === 0) state.overSince = from;
    // Only a flow sensor's last word holds until it says otherwise; a register step says nothing
    // about the time after it, so register-fed bursts are judged on readings alone.
    state.dueAt = reading.kind === 'water.flow' ? state.overSince + config.holdMinutes * MINUTE_MS : 0;
    state.peak = Math.max(state.peak, flow);
    return evaluate(state, reading.ts, config, device.unit === undefined, meterSubject(device));
  },

  // A flow sensor that reports only on change says nothing more while the pipe gushes: the hold ends by the clock.
  wakeAt: (state) => (state.dueAt !== 0 && !state.raised ? state.dueAt : undefined),
  onTick(state, { config, device, now }) {
    if (state.overSince === 0 || state.raised) return [];
    return evaluate(state, now, config, device.unit === undefined, meterSubject(device));
  },
};

function evaluate(state: BurstState, now: number, config: BurstConfig, mains: boolean, subject: string) {
  const minutes = (now - state.overSince) / MINUTE_MS;
  if (state.raised || minutes < config.holdMinutes) return [];
  state.raised = true;
  return [
    raise(rule, subject, mains ? 'P1' : 'P2', {
      peakM3h: round3(state.peak),
      maxM3h: mains ? config.mainsMaxFlowM3h : config.unitMaxFlowM3h,
      minutes: Math.round(minutes),
      mains,
    }),
  ];
}
