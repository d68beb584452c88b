import { advanceRegister, consumed, emptyRegister, type RegisterOptions, type RegisterState, type RegisterVerdict, roundMeter } from './register.ts';

/**
 * Consumption of one meter over a sliding window, for rules such as "more than 10 L in 60 min".
 * The window is cut into `slots` (a sixth by default): it slides one slot at a time, so a steady
 * leak stays above the threshold without flapping at the window's edge.
 *
 * `used` is the meter's consumption since the ingest first saw it (through the register, so a reset
 * or rollover never counts as consumption); `marks` holds, per slot, `[slot, used at its start]`,
 * oldest first. Consumption in the window = used now − the oldest mark.
 */
export interface ConsumptionWindowState {
  reg: RegisterState;
  used: number;
  marks: [slot: number, used: number][];
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
  const previousTs = state.reg.ts;
  const verdict = advanceRegister(state.reg, total, ts, options);
  if (verdict.kind === 'late' || verdict.kind === 'duplicate') return { verdict, inWindow: undefined };

  const slotMs = (window.minutes * 60_000) / window.slots;
  const slot = Math.floor(ts / slotMs);
  // The mark opens at the previous reading's total: consumption between it and now falls in this slot.
  if (verdict.kind === 'first' || state.marks.at(-1)?.[0] !== slot) state.marks.push([slot, state.used]);
  while ((state.marks[0]?.[0] ?? slot) < slot - window.slots) state.marks.shift();
  const delta = consumed(verdict);
  const windowMs = window.minutes * 60_000;
  state.used = roundMeter(state.used + delta);
  if (previousTs !== 0 && ts - previousTs > windowMs) {
    // After a silence longer than the window (meter offline), only the window's share of the step
    // counts, spread evenly: 30 L over 3 hours is 10 L per hour, not 30 L in the last one.
    state.marks = [[slot, roundMeter(state.used - (delta * windowMs) / (ts - previousTs))]];
  }
  return { verdict, inWindow: roundMeter(state.used - (state.marks[0]?.[1] ?? state.used)) };
}
