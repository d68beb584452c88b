import { describe, expect, it } from 'vitest';
import { meterRegister as sut } from './meter-register.ts';
import { HOUR, MIN, play, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const water = (value: number) => ({ kind: 'water.total', value }) as const;
const power = (value: number) => ({ kind: 'electricity.total', value }) as const;

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    [
      'SPEC §5 counter went backwards (meter replaced or reset): P4 for maintenance, once',
      [
        [T0, water(1234.5)],
        [T0 + MIN, water(0.01)],
        [T0 + 2 * MIN, water(0.02)],
      ],
      ['-', 'raise counter-backwards water-meter-3-1-1202 P4', '-'],
    ],
    [
      'an implausible jump (80 m³ in a minute) is a meter-jump finding, not consumption',
      [
        [T0, water(100)],
        [T0 + MIN, water(180)],
        [T0 + 2 * MIN, water(180.01)],
      ],
      ['-', 'raise meter-jump water-meter-3-1-1202 P4', '-'],
    ],
    [
      'rollover, duplicates and late readings are handled silently',
      [
        [T0, water(999_999.9)],
        [T0 + MIN, water(0.05)],
        [T0 + MIN, water(0.05)],
        [T0 + 30_000, water(999_999.95)],
      ],
      ['-', '-', '-', '-'],
    ],
    [
      'electricity registers have their own plausibility bound (500 kWh per hour)',
      [
        [T0, power(1000)],
        [T0 + HOUR, power(1300)],
        [T0 + HOUR + MIN, power(1400)],
      ],
      ['-', '-', 'raise meter-jump water-meter-3-1-1202 P4'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, unitDevice('water-meter'), steps).lines).toEqual(expected);
  });

  it('evidence gives from and to, for the new start reading', () => {
    const { events } = play(sut, config, unitDevice('water-meter'), [
      [T0, water(50)],
      [T0 + MIN, water(3)],
    ]);
    expect(events[1]?.[0]).toMatchObject({ evidence: { from: 50, to: 3, measuredIn: 'm3', unit: '3-1-1202' } });
  });
});
