import { advanceRegister, consumed, emptyRegister, type RegisterOptions, type RegisterState, type RegisterVerdict, roundMeter } from './register.ts';

/**
 * Consumption of one meter over a sliding window, for rules such as "more than 10 L in 60 min".
 *
 * `used` is the meter's consumption since the ingest first saw it (through the register, so a reset
 * or rollover never counts as consumption). `marks` samples it: `[age, used]` (age: seconds before
 * the latest reading, which keeps the numbers short in the snapshot), the first reading ever and
 * then the last reading of each slot (a sixth of the window by default), oldest first, so at most
 * slots + 2 samples. Consumption in the window = used now − used at (now −
 * window), read between the two samples around that instant as if water ran evenly between
 * readings: a step after three hours offline counts a third into a one-hour window, and readings an
 * hour apart never count two hours into one.
 */
export interface ConsumptionWindowState {
  reg: RegisterState;
  used: number;
  marks: [age: number, used: number][];
}

export const emptyConsumptionWindow = (): ConsumptionWindowState => ({ reg: emptyRegister(), used: 0, marks: [] });

export interface WindowStep {
  readonly verdict: RegisterVerdict;
  /** Consumption inside the window, counting this reading; undefined for a late/duplicate reading. */
  readonly inWindow: number | undefined;
}

export function addToWindow(
  state: ConsumptionWindowState,
  total: number,
  ts: number,
  window: { readonly minutes: number; readonly slots: number },
  options: RegisterOptions,
): WindowStep {
  const previousSecond = Math.round(state.reg.ts / 1000);
  const verdict = advanceRegister(state.reg, total, ts, options);
  if (verdict.kind === 'late' || verdict.kind === 'duplicate') return { verdict, inWindow: undefined };
  state.used = roundMeter(state.used + consumed(verdict));

  const second = Math.round(ts / 1000);
  const elapsed = verdict.kind === 'first' ? 0 : second - previousSecond;
  for (const mark of state.marks) mark[0] += elapsed;
  const windowSeconds = window.minutes * 60;
  const slotOf = (age: number) => Math.floor((second - age) / (windowSeconds / window.slots));
  const last = state.marks.at(-1);
  if (last !== undefined && state.marks.length >= 2 && slotOf(last[0]) === slotOf(0)) {
    last[0] = 0;
    last[1] = state.used;
  } else state.marks.push([0, state.used]);

  // Keep the newest mark that is a window old (the baseline) and everything after it.
  while ((state.marks[1]?.[0] ?? Number.NEGATIVE_INFINITY) >= windowSeconds) state.marks.shift();
  const [a0 = 0, u0 = state.used] = state.marks[0] ?? [];
  const [a1 = 0, u1 = state.used] = state.marks[1] ?? [];
  // While the meter is newer than the window, count from its first reading.
  const baseline = a0 <= windowSeconds || a1 === a0 ? u0 : u0 + ((u1 - u0) * (a0 - windowSeconds)) / (a0 - a1);
  return { verdict, inWindow: roundMeter(state.used - baseline) };
}
