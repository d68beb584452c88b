import { describe, expect, it } from 'vitest';
import { leak as sut } from './leak.ts';
import { play, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const wet = (value: boolean) => ({ kind: 'leak', wet: value }) as const;
const R = 'raise leak leak-sensor-3-1-1202 P2';
const C = 'clear leak leak-sensor-3-1-1202 stays';

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    ['SPEC §5 漏水: a wet sensor raises P2', [[T0, wet(true)]], [R]],
    [
      'Zigbee2MQTT repeats its cached state: wet again is not a new finding',
      [
        [T0, wet(true)],
        [T0 + 1000, wet(true)],
      ],
      [R, '-'],
    ],
    [
      'dry again clears; the order stays (the owner must hear where the water went)',
      [
        [T0, wet(true)],
        [T0 + 60_000, wet(false)],
      ],
      [R, C],
    ],
    [
      'a late "wet" older than the "dry" does not reopen it',
      [
        [T0, wet(true)],
        [T0 + 60_000, wet(false)],
        [T0 + 30_000, wet(true)],
      ],
      [R, C, '-'],
    ],
    [
      'wet, dry, wet again raises again',
      [
        [T0, wet(true)],
        [T0 + 60_000, wet(false)],
        [T0 + 120_000, wet(true)],
      ],
      [R, C, R],
    ],
    ['dry on its own says nothing', [[T0, wet(false)]], ['-']],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, unitDevice('leak-sensor'), steps).lines).toEqual(expected);
  });
});
