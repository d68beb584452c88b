import { advanceRegister, consumed, emptyRegister, type RegisterOptions, type RegisterState, type RegisterVerdict, roundMeter } from './register.ts';

/**
 * Consumption of one meter over a sliding window, for rules such as "more than 10 L in 60 min".
 *
 * `used` is the meter's consumption since the ingest first saw it (through the register, so a reset
 * or rollover never counts as consumption). `marks` samples it: `[epoch seconds, used]`, the first
 * reading ever and then the last reading of each slot (a sixth of the window by default), oldest
 * first, so at most slots + 2 samples. Consumption in the window = used now − used at (now −
 * window), read between the two samples around that instant as if water ran evenly between
 * readings: a step after three hours offline counts a third into a one-hour window, and readings an
 * hour apart never count two hours into one.
 */
export interface ConsumptionWindowState {
  reg: RegisterState;
  used: number;
  marks: [second: number, used: number][];
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
  const verdict = advanceRegister(state.reg, total, ts, options);
  if (verdict.kind === 'late' || verdict.kind === 'duplicate') return { verdict, inWindow: undefined };
  state.used = roundMeter(state.used + consumed(verdict));

  const second = Math.round(ts / 1000);
  const windowSeconds = window.minutes * 60;
  const slotOf = (s: number) => Math.floor(s / (windowSeconds / window.slots));
  const last = state.marks.at(-1);
  if (last !== undefined && state.marks.length >= 2 && slotOf(last[0]) === slotOf(second)) {
    last[0] = second;
    last[1] = state.used;
  } else state.marks.push([second, state.used]);

  const horizon = second - windowSeconds;
  while ((state.marks[1]?.[0] ?? Number.POSITIVE_INFINITY) <= horizon) state.marks.shift();
  const [t0 = second, u0 = state.used] = state.marks[0] ?? [];
  const [t1 = second, u1 = state.used] = state.marks[1] ?? [];
  // While the meter is newer than the window, count from its first reading.
  const baseline = t0 >= horizon || t1 === t0 ? u0 : u0 + ((u1 - u0) * (horizon - t0)) / (t1 - t0);
  return { verdict, inWindow: roundMeter(state.used - baseline) };
}
