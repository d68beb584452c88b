import { describe, expect, it } from 'vitest';
import { gasAlarm as sut } from './gas-alarm.ts';
import { play, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const gas = (event: 'alarm' | 'clear') => ({ kind: 'gas', event }) as const;
const R = 'raise gas-alarm gas-detector-3-1-1202 P1';
const C = 'clear gas-alarm gas-detector-3-1-1202 stays';

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    ['SPEC §5 燃气报警: a detector alarm raises P1', [[T0, gas('alarm')]], [R]],
    [
      'every repeat raises again (life safety: never suppressed; the store merges repeats)',
      [
        [T0, gas('alarm')],
        [T0 + 1000, gas('alarm')],
      ],
      [R, R],
    ],
    [
      'the detector clearing clears the anomaly; the order stays until people confirm the flat is safe',
      [
        [T0, gas('alarm')],
        [T0 + 60_000, gas('clear')],
      ],
      [R, C],
    ],
    [
      'a late alarm (older than the clear) still raises, marked late',
      [
        [T0 + 60_000, gas('clear')],
        [T0, gas('alarm')],
      ],
      ['-', R],
    ],
    ['a clear with nothing open says nothing', [[T0, gas('clear')]], ['-']],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, unitDevice('gas-detector'), steps).lines).toEqual(expected);
  });

  it('evidence names the unit; a late alarm says so', () => {
    const { events } = play(sut, config, unitDevice('gas-detector'), [
      [T0 + 60_000, gas('clear')],
      [T0, gas('alarm')],
    ]);
    expect(events[1]?.[0]).toMatchObject({ evidence: { unit: '3-1-1202', late: true } });
  });
});
