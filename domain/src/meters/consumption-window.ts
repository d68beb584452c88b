import { consumed, judgeStep, type MeterStep, type RegisterOptions, type RegisterVerdict, roundMeter } from './register.ts';

/**
 * Consumption of one meter over a sliding window, for rules such as "more than 10 L in 60 min".
 *
 * The window reads the meter's shared register (`MeterStep`, advanced once per reading by the
 * ingest) and judges each step by the rule's own bound, so a reset or rollover never counts as
 * consumption. `used` is the meter's consumption since the rule first saw it. `marks` samples it as
 * flat pairs `[age, used, age, used, …]` (age: seconds before the latest reading, which keeps the
 * numbers short in the snapshot; flat numbers, because a pair array per sample costs ~60 B of heap
 * at 100,000 meters): the first reading ever and then the last reading of each slot (a sixth of
 * the window by default), oldest first, so at most slots + 2 samples. Consumption in the window =
 * used now − used at (now − window), read between the two samples around that instant as if water
 * ran evenly between readings: a step after three hours offline counts a third into a one-hour
 * window, and readings an hour apart never count two hours into one.
 */
export interface ConsumptionWindowState {
  used: number;
  marks: number[];
}

export const emptyConsumptionWindow = (): ConsumptionWindowState => ({ used: 0, marks: [] });

export interface WindowStep {
  readonly verdict: RegisterVerdict;
  /** Consumption inside the window, counting this reading; undefined for a late/duplicate reading. */
  readonly inWindow: number | undefined;
}

export function addToWindow(
  state: ConsumptionWindowState,
  step: MeterStep,
  window: { readonly minutes: number; readonly slots: number },
  options: RegisterOptions,
): WindowStep {
  const verdict = judgeStep(step, options);
  if (verdict.kind === 'late' || verdict.kind === 'duplicate') return { verdict, inWindow: undefined };
  state.used = roundMeter(state.used + consumed(verdict));

  let marks = state.marks;
  const second = Math.round(step.ts / 1000);
  const elapsed = verdict.kind === 'first' ? 0 : second - Math.round(step.fromTs / 1000);
  for (let i = 0; i < marks.length; i += 2) marks[i] = (marks[i] as number) + elapsed;
  const windowSeconds = window.minutes * 60;
  const slotSeconds = windowSeconds / window.slots;
  const n = marks.length;
  if (n >= 4 && Math.floor((second - (marks[n - 2] as number)) / slotSeconds) === Math.floor(second / slotSeconds)) {
    marks[n - 2] = 0;
    marks[n - 1] = state.used;
  } else {
    // A new array of exactly n + 2 numbers: push would leave room for 16 more (~130 B per meter).
    const grown = new Array<number>(n + 2);
    for (let i = 0; i < n; i++) grown[i] = marks[i] as number;
    grown[n] = 0;
    grown[n + 1] = state.used;
    marks = grown;
  }

  // Keep the newest mark that is a window old (the baseline) and everything after it.
  let first = 0;
  while (marks.length - first >= 4 && (marks[first + 2] as number) >= windowSeconds) first += 2;
  if (first > 0) marks = marks.slice(first);
  state.marks = marks;
  const a0 = marks[0] ?? 0;
  const u0 = marks[1] ?? state.used;
  const a1 = marks[2] ?? 0;
  const u1 = marks[3] ?? state.used;
  // While the meter is newer than the window, count from its first reading.
  const baseline = a0 <= windowSeconds || a1 === a0 ? u0 : u0 + ((u1 - u0) * (a0 - windowSeconds)) / (a0 - a1);
  return { verdict, inWindow: roundMeter(state.used - baseline) };
}
