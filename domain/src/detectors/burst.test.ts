import { describe, expect, it } from 'vitest';
import { burst as sut } from './burst.ts';
import { areaDevice, MIN, play, SEC, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const total = (value: number) => ({ kind: 'water.total', value }) as const;
const flow = (value: number) => ({ kind: 'water.flow', value }) as const;
const UNIT = 'raise burst 3-1-1202 P2';
const MAINS = 'raise burst wm-main P1';

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    [
      'SPEC §5 爆管: flow above 2 m³/h in a unit for 3 minutes raises P2',
      [
        [T0, flow(3)],
        [T0 + 2 * MIN, flow(3.2)],
        [T0 + 3 * MIN, flow(3.1)],
        [T0 + 4 * MIN, flow(3.1)],
      ],
      ['-', '-', UNIT, '-'],
    ],
    [
      'a bath filling briefly above the limit is not a burst',
      [
        [T0, flow(2.4)],
        [T0 + 2 * MIN, flow(0.5)],
        [T0 + 4 * MIN, flow(2.4)],
        [T0 + 6 * MIN, flow(0.2)],
      ],
      ['-', '-', '-', '-'],
    ],
    [
      'the flow dropping clears the anomaly; maintenance keeps the order',
      [
        [T0, flow(3)],
        [T0 + 3 * MIN, flow(3)],
        [T0 + 5 * MIN, flow(0)],
      ],
      ['-', UNIT, 'clear burst 3-1-1202 stays'],
    ],
    [
      'a flow sensor that reports only on change: the hold runs out by the tick',
      [
        [T0, flow(4)],
        [T0 + 2 * MIN, 'tick'],
        [T0 + 3 * MIN, 'tick'],
        [T0 + 4 * MIN, 'tick'],
      ],
      ['-', '-', UNIT, '-'],
    ],
    [
      'a register: 0.05 m³ per 30 s is 6 m³/h, for 3 minutes',
      Array.from({ length: 8 }, (_, i) => [T0 + i * 30 * SEC, total(100 + i * 0.05)] as const),
      ['-', '-', '-', '-', '-', '-', UNIT, '-'],
    ],
    [
      'a register step never holds by the clock alone (nothing is known after it)',
      [
        [T0, total(100)],
        [T0 + 30 * SEC, total(100.05)],
        [T0 + 10 * MIN, 'tick'],
      ],
      ['-', '-', '-'],
    ],
    [
      'a replaced meter (total backwards) is not a flow',
      [
        [T0, total(900)],
        [T0 + 30 * SEC, total(0)],
        [T0 + 60 * SEC, total(0.001)],
      ],
      ['-', '-', '-'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, unitDevice('water-meter'), steps).lines).toEqual(expected);
  });

  it('SPEC §5: on public mains a burst is P1, against the mains limit (30 m³/h)', () => {
    const main = areaDevice('water-meter', 'wm-main');
    expect(
      play(sut, config, main, [
        [T0, flow(10)],
        [T0 + 5 * MIN, flow(10)],
      ]).lines,
    ).toEqual(['-', '-']);
    expect(
      play(sut, config, main, [
        [T0, flow(45)],
        [T0 + 3 * MIN, flow(45)],
      ]).lines,
    ).toEqual(['-', MAINS]);
  });

  it('evidence gives the peak and the limit', () => {
    const { events } = play(sut, config, unitDevice('water-meter'), [
      [T0, flow(3)],
      [T0 + 3 * MIN, flow(5)],
    ]);
    expect(events[1]?.[0]).toMatchObject({ evidence: { peakM3h: 5, maxM3h: 2, minutes: 3, mains: false } });
  });
});
