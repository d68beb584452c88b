import { z } from 'zod';
import { consumed, judgeStep } from '../meters/register.ts';
import type { Detector } from './detector.ts';
import { clear, HOUR_MS, MINUTE_MS, meterConfigFields, meterStep, meterSubject, raise, registerOptions, round3, WATER_MAX_PER_HOUR } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 持续流量: water that never stops. Every household's use has pauses; a running cistern, a dripping
 * tap or a leak behind a wall does not (SPEC §5: "flow never returns to zero for hours").
 *
 * "Returns to zero": a flow reading of at most `zeroFlowM3h`, or a register that stands still for
 * `quietMinutes` (a register resolves litres, so a quiet spell must be long enough to tell).
 */
const configSchema = z.strictObject({
  hours: z.number().positive().default(4),
  quietMinutes: z.number().positive().default(15),
  zeroFlowM3h: z.number().nonnegative().default(0),
  ...meterConfigFields(WATER_MAX_PER_HOUR),
});
export type ContinuousFlowConfig = z.infer<typeof configSchema>;

/** The register is the meter's shared one (DetectorContext.meter): not part of this state. */
export interface ContinuousFlowState {
  /** Since when water runs without a pause (0: it does not). */
  since: number;
  /** The last time water was seen running (a register step or a flow reading above zero). */
  lastFlow: number;
  lastTs: number;
  raised: boolean;
}

const rule = ruleIds.continuousFlow;

export const continuousFlow: Detector<ContinuousFlowConfig, ContinuousFlowState> = {
  id: rule,
  version: 2,
  rules: [rule],
  appliesTo: ['water.total', 'water.flow'],
  configSchema,
  initialState: () => ({ since: 0, lastFlow: 0, lastTs: 0, raised: false }),

  onReading(state, reading, ctx) {
    const { config, device } = ctx;
    let running: boolean | undefined;
    if (reading.kind === 'water.total') {
      const step = meterStep(ctx);
      const previous = step.fromTs;
      const verdict = judgeStep(step, registerOptions(config));
      if (verdict.kind === 'late' || verdict.kind === 'duplicate') return [];
      if (consumed(verdict) > 0) {
        // Water ran between the previous reading and this one. A catch-up after a silence as long as
        // the run itself (the meter, its gateway or the ingest was away) never proves a run alone:
        // the water may have paused unseen, so the run starts now.
        if (reading.ts - previous >= config.hours * HOUR_MS) state.since = reading.ts;
        else if (state.since === 0) state.since = previous;
        state.lastFlow = reading.ts;
        running = true;
      } else if (verdict.kind === 'normal' && reading.ts - Math.max(state.lastFlow, state.since) >= config.quietMinutes * MINUTE_MS) {
        running = false;
      }
    } else if (reading.kind === 'water.flow') {
      if (reading.ts <= state.lastTs) return [];
      state.lastTs = reading.ts;
      running = reading.value > config.zeroFlowM3h;
      if (running) {
        if (state.since === 0) state.since = reading.ts;
        state.lastFlow = reading.ts;
      }
    }
    const subject = meterSubject(device);
    if (running === false) {
      state.since = 0;
      if (!state.raised) return [];
      state.raised = false;
      // Water stopped, but someone must still find out why it ran for hours.
      return [clear(rule, subject, false)];
    }
    if (running && !state.raised && reading.ts - state.since >= config.hours * HOUR_MS) {
      state.raised = true;
      return [raise(rule, subject, 'P2', { hoursRunning: round3((reading.ts - state.since) / HOUR_MS), sinceTs: state.since })];
    }
    return [];
  },
};
