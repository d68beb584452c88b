import { z } from 'zod';
import { consumed, judgeStep, roundMeter } from '../meters/register.ts';
import type { DetectorEvent } from '../model/anomaly.ts';
import { dailyWindow } from '../time/local-time.ts';
import type { Detector } from './detector.ts';
import { clear, HOUR_MS, MINUTE_MS, meterConfigFields, meterStep, meterSubject, raise, registerOptions, WATER_MAX_PER_HOUR } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 夜间流量: the minimum night flow is above zero. In the small hours nobody runs water for the
 * whole night, so a flow that never drops to zero between `startHour` and `endHour` (local time of
 * the site, SPEC §1) is a leak. Water utilities judge leaks by this minimum night flow (MNF).
 *
 * Register meters: the night is cut into segments of at least `segmentMinutes` between readings;
 * the minimum of their mean flows is the night's minimum. Flow sensors: the lowest reading.
 * Judged once per night, when the window ends (a reading after it, or a tick at its end).
 */
const configSchema = z.strictObject({
  /** Local hour the night window opens; startHour ≥ endHour crosses midnight (23 → 5). */
  startHour: z.number().int().min(0).max(23).default(2),
  endHour: z.number().int().min(0).max(23).default(4),
  /** "Above zero", allowing for the register's litre resolution. */
  minLitresPerHour: z.number().nonnegative().default(2),
  segmentMinutes: z.number().positive().default(15),
  ...meterConfigFields(WATER_MAX_PER_HOUR),
});
export type NightFlowConfig = z.infer<typeof configSchema>;

/** The register is the meter's shared one (DetectorContext.meter): not part of this state. */
export interface NightFlowState {
  used: number;
  /** The night window being measured, [start, end) epoch ms; end 0: none yet. */
  start: number;
  end: number;
  night: string;
  segTs: number;
  segUsed: number;
  /** Lowest flow seen in the window (L/h); -1: nothing measured. */
  min: number;
  lastFlowTs: number;
  raised: boolean;
}

const rule = ruleIds.nightFlow;

export const nightFlow: Detector<NightFlowConfig, NightFlowState> = {
  id: rule,
  version: 2,
  rules: [rule],
  appliesTo: ['water.total', 'water.flow'],
  configSchema,
  initialState: () => ({ used: 0, start: 0, end: 0, night: '', segTs: 0, segUsed: 0, min: -1, lastFlowTs: 0, raised: false }),

  onReading(state, reading, ctx) {
    const { config, device } = ctx;
    let flowLph: number | undefined;
    if (reading.kind === 'water.total') {
      const verdict = judgeStep(meterStep(ctx), registerOptions(config));
      if (verdict.kind === 'late' || verdict.kind === 'duplicate') return [];
      state.used = roundMeter(state.used + consumed(verdict));
    } else if (reading.kind === 'water.flow') {
      if (reading.ts <= state.lastFlowTs) return [];
      state.lastFlowTs = reading.ts;
      flowLph = reading.value * 1000;
    } else return [];

    const events: DetectorEvent[] = [];
    if (state.end !== 0 && reading.ts >= state.end) events.push(...judge(state, config, meterSubject(device)));
    if (state.end === 0) {
      const w = dailyWindow(reading.ts, config.startHour, config.endHour, device.timezone ?? 'Asia/Shanghai');
      Object.assign(state, { start: w.start, end: w.end, night: w.night });
    }
    if (reading.ts < state.start) return events;

    if (flowLph !== undefined) state.min = state.min < 0 ? flowLph : Math.min(state.min, flowLph);
    else if (state.segTs === 0) Object.assign(state, { segTs: reading.ts, segUsed: state.used });
    else if (reading.ts - state.segTs >= config.segmentMinutes * MINUTE_MS) {
      const lph = ((state.used - state.segUsed) * 1000 * HOUR_MS) / (reading.ts - state.segTs);
      state.min = state.min < 0 ? lph : Math.min(state.min, lph);
      Object.assign(state, { segTs: reading.ts, segUsed: state.used });
    }
    return events;
  },

  wakeAt: (state) => (state.end !== 0 && state.min >= 0 ? state.end : undefined),
  onTick(state, { config, device, now }) {
    return now >= state.end && state.end !== 0 ? judge(state, config, meterSubject(device)) : [];
  },
};

/** Ends the window: raise when its minimum stayed above zero, clear when a night came back to zero. */
function judge(state: NightFlowState, config: NightFlowConfig, subject: string): DetectorEvent[] {
  const { min, night } = state;
  Object.assign(state, { start: 0, end: 0, night: '', segTs: 0, segUsed: 0, min: -1 });
  if (min < 0) return []; // nothing measured that night: no verdict either way
  if (min > config.minLitresPerHour) {
    state.raised = true;
    return [raise(rule, subject, 'P2', { night, minLitresPerHour: Math.round(min * 10) / 10, window: `${config.startHour}:00-${config.endHour}:00` })];
  }
  if (!state.raised) return [];
  state.raised = false;
  // A dry night: the leak seems fixed, but the owner and the inspection still close the order.
  return [clear(rule, subject, false)];
}
