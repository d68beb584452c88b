import { describe, expect, it } from 'vitest';
import { advanceRegister, consumed, emptyRegister, judgeStep, type RegisterOptions, stepRegister } from './register.ts';

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
      'a total that goes backwards (meter replaced or reset) is a new baseline, never negative consumption',
      [
        [T0, 1234.5],
        [T0 + MIN, 0.002],
        [T0 + 2 * MIN, 0.004],
      ],
      ['first', 'reset', 'normal(0.002)'],
      { total: 0.004, ts: T0 + 2 * MIN },
    ],
    [
      'Tasmota counter rollback after a power cut (483 → 310, arendst/Tasmota #7766) is a reset',
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

  it('a register that never wraps (rollover 0) reads a drop near the top as a reset', () => {
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
    expect(advanceRegister(state, 10, T0 + MIN, water)).toEqual({ kind: 'reset', from: 50, to: 10 });
    expect(advanceRegister(state, 90, T0 + 2 * MIN, water)).toMatchObject({ kind: 'jump', from: 10, to: 90, delta: 80, ms: MIN });
  });

  it('consumed() counts only normal and rollover steps', () => {
    expect(
      [
        { kind: 'normal', delta: 1, ms: 1 } as const,
        { kind: 'rollover', delta: 2, ms: 1 } as const,
        { kind: 'jump', from: 0, to: 9, delta: 9, ms: 1 } as const,
        { kind: 'reset', from: 9, to: 0 } as const,
      ].map(consumed),
    ).toEqual([1, 2, 0, 0]);
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
      'step: reset / reset',
      'step: normal / normal',
    ]);
  });

  it('fills the step it is given (the ingest reuses one per reading) with the baseline before the reading', () => {
    const shared = emptyRegister();
    const into = stepRegister(shared, 100, T0);
    expect(stepRegister(shared, 100.5, T0 + MIN, into)).toBe(into);
    expect(into).toEqual({ kind: 'step', from: 100, fromTs: T0, total: 100.5, ts: T0 + MIN });
  });
});
