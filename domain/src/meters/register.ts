/**
 * Meter arithmetic: successive cumulative totals of ONE meter → consumption deltas, with a verdict
 * per reading. Rules (docs/detectors.md § Meter arithmetic), in the order they are checked:
 *
 * | case                                                        | verdict     | counted       | baseline |
 * | ----------------------------------------------------------- | ----------- | ------------- | -------- |
 * | no baseline yet                                             | first       | no            | set      |
 * | ts before the baseline's ts                                 | late        | no            | kept     |
 * | same ts, same total                                         | duplicate   | no            | kept     |
 * | same ts, other total                                        | late        | no            | kept     |
 * | total ≥ baseline, step plausible (a catch-up after a gap too) | normal    | yes           | moves    |
 * | total ≥ baseline, step implausible                          | jump        | no            | moves    |
 * | total < baseline, wrap plausible                            | rollover    | yes (wrapped) | moves    |
 * | total < baseline, new total ≤ resetMax (back to ~0)         | reset       | no            | moves    |
 * | total < baseline, step back beyond any plausible run        | replacement | no            | moves    |
 * | total < baseline, plausible, after the meter fell silent    | reset       | no            | moves    |
 * | total < baseline, plausible, the meter kept reporting       | backwards   | no            | moves    |
 *
 * "Plausible" = at most `maxPerHour` × the hours since the baseline (at least one minute's worth):
 * a step beyond what the pipe or the supply can deliver is a replaced meter, a misread frame or a
 * wrong scale, never consumption (reference/device-ecosystems.md §9.5: "negative or implausible jumps
 * held as anomalies, never as consumption"). A wrap counts only when the wrapped step is plausible,
 * so a meter replaced by one reading near zero is a reset, not a rollover. Only `backwards` (a
 * small step back on a meter that kept reporting) and `jump` are findings; `reset` and
 * `replacement` are a new baseline, evidence for operators and nothing else.
 */

/** The last accepted reading of a meter; `ts` 0 means none yet. Two numbers: ~40 B as JSON. */
export interface RegisterState {
  total: number;
  ts: number;
  /** The meter's last discontinuity (kept by the ingest's register, for evidence); absent: none seen. */
  last?: RegisterBreak | undefined;
}

/** A step that was not plain consumption, as operators see it (metrics, log, evidence). */
export type BreakKind = 'reset' | 'replacement' | 'rollover' | 'backwards' | 'jump' | 'catch-up';

export interface RegisterBreak {
  readonly kind: BreakKind;
  readonly from: number;
  readonly to: number;
  /** The reading's ts. */
  readonly at: number;
}

export interface RegisterOptions {
  /**
   * Modulus of the register: the value after which it shows 0 again (a 999999.99 BCD register →
   * 1_000_000; a uint32 pulse counter × factor → 2^32 × factor). 0: the register never wraps.
   */
  readonly rollover: number;
  /** The most the meter can plausibly advance per hour (m³/h or kWh/h). */
  readonly maxPerHour: number;
  /** A total at or below this after a step back is a register back at ~0 (default `RESET_MAX`). */
  readonly resetMax?: number;
  /** A previous reading at most this old means the meter kept reporting (default `KEPT_REPORTING_MS`). */
  readonly keptReportingMs?: number;
}

/**
 * A pulse module or a Tasmota counter restarts at 0 after a reboot, a DTU or concentrator re-bases
 * at 0 (reference/device-ecosystems.md §2, §9.5); a household uses less than 1 m³ or 1 kWh between
 * two reports, so a register that comes back at or below 1 restarted.
 */
export const RESET_MAX = 1;
/** LoRa class A meters report every 10–60 min (reference/device-ecosystems.md §3): within the hour is "kept reporting". */
export const KEPT_REPORTING_MS = 3_600_000;

export type RegisterVerdict =
  | { readonly kind: 'first' }
  | { readonly kind: 'normal'; readonly delta: number; readonly ms: number }
  | { readonly kind: 'rollover'; readonly delta: number; readonly ms: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'late' }
  | { readonly kind: 'reset' | 'replacement' | 'backwards'; readonly from: number; readonly to: number; readonly ms: number }
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
  /** The meter's last discontinuity before this reading (RegisterState.last), for evidence. */
  last: RegisterBreak | undefined;
}

export const emptyMeterStep = (): MeterStep => ({ kind: 'first', from: 0, fromTs: 0, total: 0, ts: 0, last: undefined });

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
  into.last = state.last;
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
  return { kind: backwardsKind(from, total, ms, allowance, options), from, to: total, ms };
}

/** What a step back that is no wrap means (the table above). */
function backwardsKind(from: number, to: number, ms: number, allowance: number, options: RegisterOptions): 'reset' | 'replacement' | 'backwards' {
  // Back at ~0: the device or its gateway restarted the count.
  if (to <= (options.resetMax ?? RESET_MAX)) return 'reset';
  // Further back than the meter could run in the time: another register (a new meter, a re-based DTU).
  if (roundMeter(from - to) > allowance) return 'replacement';
  // A plausible step back after a silence: a rebooted device restored an older saved count
  // (Tasmota after a power cut: 483 → 310, arendst/Tasmota #7766).
  if (ms > (options.keptReportingMs ?? KEPT_REPORTING_MS)) return 'reset';
  return 'backwards';
}

/**
 * The discontinuity a verdict is, for operators (metrics, log, evidence), or undefined for plain
 * consumption and for readings that did not move the baseline. A plausible step after a silence
 * longer than `keptReportingMs` is a `catch-up`: consumption spread over the gap, counted, no finding.
 */
export function breakOf(verdict: RegisterVerdict, options: Pick<RegisterOptions, 'keptReportingMs'>): BreakKind | undefined {
  switch (verdict.kind) {
    case 'reset':
    case 'replacement':
    case 'backwards':
    case 'rollover':
    case 'jump':
      return verdict.kind;
    case 'normal':
      return verdict.delta > 0 && verdict.ms > (options.keptReportingMs ?? KEPT_REPORTING_MS) ? 'catch-up' : undefined;
    default:
      return undefined;
  }
}

/** Remembers a step's discontinuity on the register (the next step carries it as `last`). */
export function recordBreak(state: RegisterState, step: MeterStep, kind: BreakKind): RegisterBreak {
  const mark: RegisterBreak = { kind, from: step.from, to: step.total, at: step.ts };
  state.last = mark;
  return mark;
}

const FIRST: RegisterVerdict = { kind: 'first' };
const LATE: RegisterVerdict = { kind: 'late' };
const DUPLICATE: RegisterVerdict = { kind: 'duplicate' };

/** Advances the register with one reading (mutates `state` in place) and says what the reading was. */
export function advanceRegister(state: RegisterState, total: number, ts: number, options: RegisterOptions): RegisterVerdict {
  return judgeStep(stepRegister(state, total, ts), options);
}
