import { describe, expect, it } from 'vitest';
import { fireDoorOpen as sut } from './fire-door-open.ts';
import { areaDevice, MIN, play, type Step, T0 } from './testing.ts';

const config = sut.configSchema.parse({});
const fireDoor = areaDevice('door-contact', 'fd-3a-12', { fireDoor: true });
const open = (value: boolean) => ({ kind: 'contact', open: value }) as const;
const R = 'raise fire-door-open fd-3a-12 P3';

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    [
      '社区管家职责 保持各防火门处于关闭: a fire door open for 5 minutes raises P3',
      [
        [T0, open(true)],
        [T0 + 4 * MIN, 'tick'],
        [T0 + 5 * MIN, 'tick'],
      ],
      ['-', '-', R],
    ],
    [
      'people passing through close it again within the hold: nothing',
      [
        [T0, open(true)],
        [T0 + 20_000, open(false)],
        [T0 + 10 * MIN, 'tick'],
      ],
      ['-', '-', '-'],
    ],
    [
      'closed again: the order closes with it',
      [
        [T0, open(true)],
        [T0 + 6 * MIN, open(true)],
        [T0 + 7 * MIN, open(false)],
      ],
      ['-', R, 'clear fire-door-open fd-3a-12 closes'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, fireDoor, steps).lines).toEqual(expected);
  });

  it('ordinary doors are door-held-open’s', () => {
    expect(
      play(sut, config, areaDevice('door-contact', 'dc-lobby'), [
        [T0, open(true)],
        [T0 + 10 * MIN, 'tick'],
      ]).lines,
    ).toEqual(['-', '-']);
  });

  it('openMinutes is configurable per site', () => {
    const strict = sut.configSchema.parse({ openMinutes: 1 });
    expect(
      play(sut, strict, fireDoor, [
        [T0, open(true)],
        [T0 + MIN, 'tick'],
      ]).lines,
    ).toEqual(['-', R]);
  });
});
