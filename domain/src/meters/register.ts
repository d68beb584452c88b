/**
 * Meter arithmetic: successive cumulative totals of ONE meter → consumption deltas, with a verdict
 * per reading. Rules (docs/detectors.md § Meter arithmetic), in the order they are checked:
 *
 * | case                                   | verdict     | delta counted | baseline moves |
 * | -------------------------------------- | ----------- | ------------- | -------------- |
 * | no baseline yet                        | first       | no            | yes            |
 * | ts before the baseline's ts            | late        | no            | no             |
 * | same ts, same total                    | duplicate   | no            | no             |
 * | same ts, other total                   | late        | no            | no             |
 * | total ≥ baseline, step plausible       | normal      | yes           | yes            |
 * | total ≥ baseline, step implausible     | jump        | no            | yes            |
 * | total < baseline, wrap plausible       | rollover    | yes (wrapped) | yes            |
 * | total < baseline otherwise             | reset       | no            | yes            |
 *
 * "Plausible" = at most `maxPerHour` × the hours since the baseline (at least one minute's worth):
 * a step beyond what the pipe or the supply can deliver is a replaced meter, a misread frame or a
 * wrong scale, never consumption (reference/device-ecosystems.md §9.5: "negative or implausible jumps
 * held as anomalies, never as consumption"). A wrap counts only when the wrapped step is plausible,
 * so a meter replaced by one reading near zero is a reset, not a rollover.
 */

/** The last accepted reading of a meter; `ts` 0 means none yet. Two numbers: ~40 B as JSON. */
export interface RegisterState {
  total: number;
  ts: number;
}

export interface RegisterOptions {
  /**
   * Modulus of the register: the value after which it shows 0 again (a 999999.99 BCD register →
   * 1_000_000; a uint32 pulse counter × factor → 2^32 × factor). 0: the register never wraps.
   */
  readonly rollover: number;
  /** The most the meter can plausibly advance per hour (m³/h or kWh/h). */
  readonly maxPerHour: number;
}

export type RegisterVerdict =
  | { readonly kind: 'first' }
  | { readonly kind: 'normal'; readonly delta: number; readonly ms: number }
  | { readonly kind: 'rollover'; readonly delta: number; readonly ms: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'late' }
  | { readonly kind: 'reset'; readonly from: number; readonly to: number }
  | { readonly kind: 'jump'; readonly from: number; readonly to: number; readonly delta: number; readonly ms: number };

const HOUR_MS = 3_600_000;
/** A plausibility allowance never shrinks below one minute's worth: two readings a second apart are not held to nothing. */
const MIN_ALLOWANCE_MS = 60_000;

/** Floating point: 100.012 − 100.004 is 0.00799999…; registers resolve to litres / Wh at best, round to 1e-6. */
export const roundMeter = (value: number): number => Math.round(value * 1e6) / 1e6;

export const emptyRegister = (): RegisterState => ({ total: 0, ts: 0 });

/** Consumption a verdict contributes (0 for every verdict but normal and rollover). */
export const consumed = (verdict: RegisterVerdict): number => (verdict.kind === 'normal' || verdict.kind === 'rollover' ? verdict.delta : 0);

/**
 * What one reading is to a meter's register before any rule's plausibility bound: the part of the
 * verdict every consumption rule shares. The ingest advances ONE register per meter per reading
 * (`stepRegister`) and hands this to every meter rule, which judges it with its own bound
 * (`judgeStep`): the baseline moves the same way whatever the bound, so one register serves all.
 */
export interface MeterStep {
  /** first: no baseline yet; late, duplicate: the baseline stayed; step: it moved from `from` at `fromTs`. */
  kind: 'first' | 'late' | 'duplicate' | 'step';
  from: number;
  fromTs: number;
  total: number;
  ts: number;
}

export const emptyMeterStep = (): MeterStep => ({ kind: 'first', from: 0, fromTs: 0, total: 0, ts: 0 });

/** Reading kinds that carry a register total: the ones `stepRegister` is advanced with. */
export const isMeterTotal = (kind: string): boolean => kind === 'water.total' || kind === 'electricity.total';

/**
 * Advances the register with one reading (mutates `state` in place) and fills `into` (default: a
 * new step) with what the reading was to it. The baseline moves on every reading but a late or
 * duplicate one (the table above), whatever a rule's bound later says of the step.
 */
export function stepRegister(state: RegisterState, total: number, ts: number, into: MeterStep = emptyMeterStep()): MeterStep {
  into.total = total;
  into.ts = ts;
  into.from = state.total;
  into.fromTs = state.ts;
  if (state.ts === 0) into.kind = 'first';
  else if (ts < state.ts) into.kind = 'late';
  else if (ts === state.ts) into.kind = total === state.total ? 'duplicate' : 'late';
  else into.kind = 'step';
  if (into.kind === 'first' || into.kind === 'step') {
    state.total = total;
    state.ts = ts;
  }
  return into;
}

/** A rule's verdict on a step, by its own plausibility bound and rollover (the table above). */
export function judgeStep(step: MeterStep, options: RegisterOptions): RegisterVerdict {
  if (step.kind !== 'step') return step.kind === 'first' ? FIRST : step.kind === 'late' ? LATE : DUPLICATE;
  const { from, total } = step;
  const ms = step.ts - step.fromTs;
  const allowance = (options.maxPerHour * Math.max(ms, MIN_ALLOWANCE_MS)) / HOUR_MS;
  if (total >= from) {
    const delta = roundMeter(total - from);
    return delta <= allowance ? { kind: 'normal', delta, ms } : { kind: 'jump', from, to: total, delta, ms };
  }
  if (options.rollover > 0 && from < options.rollover) {
    const wrapped = roundMeter(options.rollover - from + total);
    if (wrapped <= allowance) return { kind: 'rollover', delta: wrapped, ms };
  }
  return { kind: 'reset', from, to: total };
}

const FIRST: RegisterVerdict = { kind: 'first' };
const LATE: RegisterVerdict = { kind: 'late' };
const DUPLICATE: RegisterVerdict = { kind: 'duplicate' };

/** Advances the register with one reading (mutates `state` in place) and says what the reading was. */
export function advanceRegister(state: RegisterState, total: number, ts: number, options: RegisterOptions): RegisterVerdict {
  return judgeStep(stepRegister(state, total, ts), options);
}
