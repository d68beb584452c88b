import { describe, expect, it } from 'vitest';
import { lowBattery as sut } from './low-battery.ts';
import { play, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const battery = (percent: number | undefined, low = false) => ({ kind: 'battery', percent, low }) as const;
const R = 'raise low-battery leak-sensor-3-1-1202 P4';
const C = 'clear low-battery leak-sensor-3-1-1202 closes';

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    [
      'SPEC §5 电池电量低: 20 % or less raises P4 for maintenance',
      [
        [T0, battery(40)],
        [T0 + 1, battery(20)],
      ],
      ['-', R],
    ],
    ['the device’s own low flag raises (Zigbee battery_low)', [[T0, battery(undefined, true)]], [R]],
    [
      'hovering around the threshold does not flap: it clears only at 30 %',
      [
        [T0, battery(19)],
        [T0 + 1, battery(22)],
        [T0 + 2, battery(19)],
        [T0 + 3, battery(100)],
      ],
      [R, '-', '-', C],
    ],
    [
      'a new battery (not low, no percentage) clears and closes the order',
      [
        [T0, battery(undefined, true)],
        [T0 + 1, battery(undefined, false)],
      ],
      [R, C],
    ],
    [
      'a late low reading after the battery was changed changes nothing',
      [
        [T0 + 10, battery(100)],
        [T0, battery(5)],
      ],
      ['-', '-'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, unitDevice('leak-sensor'), steps).lines).toEqual(expected);
  });
});
