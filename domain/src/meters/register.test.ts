import { describe, expect, it } from 'vitest';
import {
  advanceRegister,
  breakOf,
  consumed,
  emptyRegister,
  judgeStep,
  type RegisterOptions,
  type RegisterVerdict,
  recordBreak,
  stepRegister,
} from './register.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;
const water: RegisterOptions = { rollover: 1_000_000, maxPerHour: 50 };

/** Feeds [ts, total] pairs and returns "verdict(delta)" per reading, plus the baseline left behind. */
function run(steps: readonly [number, number][], options = water) {
  const state = emptyRegister();
  const verdicts = steps.map(([ts, total]) => {
    const v = advanceRegister(state, total, ts, options);
    return v.kind === 'normal' || v.kind === 'rollover' ? `${v.kind}(${v.delta})` : v.kind;
  });
  return { verdicts, state };
}

describe(advanceRegister.name, () => {
  it.each<[string, [number, number][], string[], { total: number; ts: number }]>([
    [
      'normal steps count their difference, rounded past floating-point noise',
      [
        [T0, 100.004],
        [T0 + MIN, 100.012],
        [T0 + 2 * MIN, 100.012],
      ],
      ['first', 'normal(0.008)', 'normal(0)'],
      { total: 100.012, ts: T0 + 2 * MIN },
    ],
    [
      'a redelivered reading (same ts, same total) is a duplicate and counts nothing',
      [
        [T0, 100],
        [T0 + MIN, 100.01],
        [T0 + MIN, 100.01],
      ],
      ['first', 'normal(0.01)', 'duplicate'],
      { total: 100.01, ts: T0 + MIN },
    ],
    [
      'a late reading (older than the baseline) is ignored for deltas and leaves the baseline alone',
      [
        [T0, 100],
        [T0 + 10 * MIN, 100.05],
        [T0 + 5 * MIN, 100.02],
        [T0 + 15 * MIN, 100.06],
      ],
      ['first', 'normal(0.05)', 'late', 'normal(0.01)'],
      { total: 100.06, ts: T0 + 15 * MIN },
    ],
    [
      'a second, different total at the same instant is not trusted',
      [
        [T0, 100],
        [T0, 101],
      ],
      ['first', 'late'],
      { total: 100, ts: T0 },
    ],
    [
      'CJ/T 188: a 999999.99 register wraps to 0 and the wrapped step counts',
      [
        [T0, 999_999.9],
        [T0 + 10 * MIN, 0.15],
      ],
      ['first', 'rollover(0.25)'],
      { total: 0.15, ts: T0 + 10 * MIN },
    ],
    [
      'a register back at ~0 (reset) is a new baseline, never negative consumption',
      [
        [T0, 1234.5],
        [T0 + MIN, 0.002],
        [T0 + 2 * MIN, 0.004],
      ],
      ['first', 'reset', 'normal(0.002)'],
      { total: 0.004, ts: T0 + 2 * MIN },
    ],
    [
      'Tasmota counter rollback after a power cut (483 → 310 Wh, arendst/Tasmota #7766) is a reset: back near 0',
      [
        [T0, 0.483],
        [T0 + MIN, 0.31],
      ],
      ['first', 'reset'],
      { total: 0.31, ts: T0 + MIN },
    ],
    [
      'a step beyond maxPerHour × the time is an implausible jump: re-baselined, not counted',
      [
        [T0, 100],
        [T0 + MIN, 180],
        [T0 + 2 * MIN, 180.01],
      ],
      ['first', 'jump', 'normal(0.01)'],
      { total: 180.01, ts: T0 + 2 * MIN },
    ],
    [
      'after a day offline a large step is plausible (50 m³/h × 24 h)',
      [
        [T0, 100],
        [T0 + 24 * HOUR, 130],
      ],
      ['first', 'normal(30)'],
      { total: 130, ts: T0 + 24 * HOUR },
    ],
    [
      'readings a second apart are allowed a minute’s worth, not nothing',
      [
        [T0, 100],
        [T0 + 1000, 100.5],
      ],
      ['first', 'normal(0.5)'],
      { total: 100.5, ts: T0 + 1000 },
    ],
  ])('%s', (_title, steps, expected, baseline) => {
    const { verdicts, state } = run(steps);
    expect(verdicts).toEqual(expected);
    expect(state).toEqual(baseline);
  });

  it('a 99999.999 m³ mechanical register configured with its own modulus (100000) wraps too', () => {
    expect(
      run(
        [
          [T0, 99_999.99],
          [T0 + HOUR, 0.01],
        ],
        { rollover: 100_000, maxPerHour: 50 },
      ).verdicts,
    ).toEqual(['first', 'rollover(0.02)']);
  });

  it('a register that never wraps (rollover 0) reads a drop from the top to ~0 as a reset', () => {
    expect(
      run(
        [
          [T0, 999_999.9],
          [T0 + MIN, 0.1],
        ],
        { rollover: 0, maxPerHour: 50 },
      ).verdicts,
    ).toEqual(['first', 'reset']);
  });

  it('a new meter starting near zero is a reset, not a wrap of the old one', () => {
    // 500 → 0.1 would be a wrap of 999500.1 m³ in a minute: implausible, so it is a replacement.
    expect(
      run([
        [T0, 500],
        [T0 + MIN, 0.1],
      ]).verdicts,
    ).toEqual(['first', 'reset']);
  });

  it('reports from/to for a reset and a jump (the counter-backwards and meter-jump findings use them)', () => {
    const state = emptyRegister();
    advanceRegister(state, 50, T0, water);
    expect(advanceRegister(state, 10, T0 + MIN, water)).toEqual({ kind: 'replacement', from: 50, to: 10, ms: MIN });
    expect(advanceRegister(state, 90, T0 + 2 * MIN, water)).toMatchObject({ kind: 'jump', from: 10, to: 90, delta: 80, ms: MIN });
    expect(advanceRegister(state, 89.9, T0 + 3 * MIN, water)).toEqual({ kind: 'backwards', from: 90, to: 89.9, ms: MIN });
  });

  it('consumed() counts only normal and rollover steps', () => {
    expect(
      [
        { kind: 'normal', delta: 1, ms: 1 } as const,
        { kind: 'rollover', delta: 2, ms: 1 } as const,
        { kind: 'jump', from: 0, to: 9, delta: 9, ms: 1 } as const,
        { kind: 'reset', from: 9, to: 0, ms: 1 } as const,
        { kind: 'replacement', from: 9, to: 2, ms: 1 } as const,
        { kind: 'backwards', from: 9, to: 8.9, ms: 1 } as const,
      ].map(consumed),
    ).toEqual([1, 2, 0, 0, 0, 0]);
  });
});

describe('one register shared by rules with different bounds', () => {
  const burst: RegisterOptions = { rollover: 1_000_000, maxPerHour: 200 };

  it('steps once; each rule judges the same step by its own bound, and the baseline moves the same for all', () => {
    const shared = emptyRegister();
    const own = { water: emptyRegister(), burst: emptyRegister() };
    const lines = (
      [
        [T0, 100],
        [T0 + HOUR, 180], // 80 m³ in an hour: a jump for a household bound of 50, a burst for one of 200
        [T0 + HOUR, 180],
        [T0 + 30 * MIN, 170],
        [T0 + 2 * HOUR, 150],
        [T0 + 3 * HOUR, 151],
      ] as const
    ).map(([ts, total]) => {
      const step = stepRegister(shared, total, ts);
      const byShared = [judgeStep(step, water).kind, judgeStep(step, burst).kind];
      // The same verdicts as each rule keeping a register of its own.
      expect([advanceRegister(own.water, total, ts, water).kind, advanceRegister(own.burst, total, ts, burst).kind]).toEqual(byShared);
      expect(own.water).toEqual(shared);
      expect(own.burst).toEqual(shared);
      return `${step.kind}: ${byShared.join(' / ')}`;
    });
    expect(lines).toEqual([
      'first: first / first',
      'step: jump / normal',
      'duplicate: duplicate / duplicate',
      'late: late / late',
      'step: backwards / backwards',
      'step: normal / normal',
    ]);
  });

  it('fills the step it is given (the ingest reuses one per reading) with the baseline before the reading', () => {
    const shared = emptyRegister();
    const into = stepRegister(shared, 100, T0);
    expect(stepRegister(shared, 100.5, T0 + MIN, into)).toBe(into);
    expect(into).toEqual({ kind: 'step', from: 100, fromTs: T0, total: 100.5, ts: T0 + MIN, last: undefined });
  });
});

/**
 * Every step that is not plain consumption, classified (docs/detectors.md § Meter arithmetic): only
 * `backwards` and `jump` become findings (meter-register); the others are evidence for operators.
 */
describe('classification of discontinuous steps', () => {
  const classify = (from: [number, number], to: [number, number], options: RegisterOptions = water) => {
    const state = emptyRegister();
    advanceRegister(state, from[1], from[0], options);
    const verdict: RegisterVerdict = judgeStep(stepRegister(state, to[1], to[0]), options);
    return { verdict: verdict.kind, break: breakOf(verdict, options) ?? '-', counted: consumed(verdict), baseline: state.total };
  };

  it.each<[string, [number, number], [number, number], RegisterOptions, { verdict: string; break: string; counted: number; baseline: number }]>([
    [
      'reset: a Tasmota counter or pulse module back at ~0 after a reboot, however recent the previous reading',
      [T0, 1234.5],
      [T0 + 30_000, 0.004],
      water,
      { verdict: 'reset', break: 'reset', counted: 0, baseline: 0.004 },
    ],
    [
      'reset: a DTU re-base to 0 after a day of silence',
      [T0, 1234.5],
      [T0 + 24 * HOUR, 0],
      water,
      { verdict: 'reset', break: 'reset', counted: 0, baseline: 0 },
    ],
    [
      'reset: the bound is configurable (resetMax 5: a pulse module that counted 3 m³ since its reboot)',
      [T0, 1234.5],
      [T0 + 2 * MIN, 3],
      { ...water, resetMax: 5 },
      { verdict: 'reset', break: 'reset', counted: 0, baseline: 3 },
    ],
    [
      'replacement: a recent meter lands on an unrelated lower total, further back than it could run in the time',
      [T0, 1234.5],
      [T0 + MIN, 200],
      water,
      { verdict: 'replacement', break: 'replacement', counted: 0, baseline: 200 },
    ],
    [
      'replacement: after a gap (three days), a lower total further back than the meter could run (50 m³/h × 72 h)',
      [T0, 9999],
      [T0 + 72 * HOUR, 12],
      water,
      { verdict: 'replacement', break: 'replacement', counted: 0, baseline: 12 },
    ],
    [
      'reset: a plausible step back after a silence longer than keptReportingMs (Tasmota restores an older saved count)',
      [T0, 483],
      [T0 + 2 * HOUR, 310],
      { ...water, maxPerHour: 500 },
      { verdict: 'reset', break: 'reset', counted: 0, baseline: 310 },
    ],
    [
      'backwards: a small step back on a meter that kept reporting (previous reading a minute old) — the only counter-backwards',
      [T0, 100.5],
      [T0 + MIN, 100.2],
      water,
      { verdict: 'backwards', break: 'backwards', counted: 0, baseline: 100.2 },
    ],
    [
      'backwards: keptReportingMs is configurable (a daily meter kept reporting within two days)',
      [T0, 100.5],
      [T0 + 24 * HOUR, 100.2],
      { ...water, keptReportingMs: 48 * HOUR },
      { verdict: 'backwards', break: 'backwards', counted: 0, baseline: 100.2 },
    ],
    [
      'rollover: a plausible wrap of a 999999.99 register counts the wrapped step',
      [T0, 999_999.9],
      [T0 + 10 * MIN, 0.15],
      water,
      { verdict: 'rollover', break: 'rollover', counted: 0.25, baseline: 0.15 },
    ],
    [
      'catch-up: after a long gap a step plausible for the gap is consumption spread over it, not a jump',
      [T0, 100],
      [T0 + 6 * HOUR, 103],
      water,
      { verdict: 'normal', break: 'catch-up', counted: 3, baseline: 103 },
    ],
    [
      'jump: a step beyond maxPerHour × the gap stays a jump (meter-jump), even after a long gap',
      [T0, 100],
      [T0 + 6 * HOUR, 500],
      water,
      { verdict: 'jump', break: 'jump', counted: 0, baseline: 500 },
    ],
    [
      'plain consumption of a meter that kept reporting is no discontinuity',
      [T0, 100],
      [T0 + MIN, 100.01],
      water,
      { verdict: 'normal', break: '-', counted: 0.01, baseline: 100.01 },
    ],
  ])('%s', (_title, from, to, options, expected) => {
    expect(classify(from, to, options)).toEqual(expected);
  });

  it('the register remembers its last discontinuity; the next step carries it as `last` (evidence)', () => {
    const state = emptyRegister();
    stepRegister(state, 1234.5, T0);
    const step = stepRegister(state, 0.01, T0 + MIN);
    expect(step.last).toBeUndefined();
    const kind = breakOf(judgeStep(step, water), water);
    expect(kind).toBe('reset');
    recordBreak(state, step, kind ?? 'reset');
    expect(stepRegister(state, 0.02, T0 + 2 * MIN).last).toEqual({ kind: 'reset', from: 1234.5, to: 0.01, at: T0 + MIN });
  });
});
