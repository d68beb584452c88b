import { describe, expect, it } from 'vitest';
import { fireDoorLocked as sut } from './fire-door-locked.ts';
import { areaDevice, play, type Step, T0 } from './testing.ts';

const config = sut.configSchema.parse({});
const lock = (locked: boolean) => ({ kind: 'lock', locked }) as const;
const fireDoor = areaDevice('door-contact', 'fd-3a-12', { fireDoor: true });
const plainDoor = areaDevice('door-contact', 'gate-1');

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    ['社区管家职责 防火门关闭但不得上锁: a locked fire door raises P2 at once', [[T0, lock(true)]], ['raise fire-door-locked fd-3a-12 P2']],
    [
      'unlocked again is the fix: the order closes',
      [
        [T0, lock(true)],
        [T0 + 60_000, lock(false)],
      ],
      ['raise fire-door-locked fd-3a-12 P2', 'clear fire-door-locked fd-3a-12 closes'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, fireDoor, steps).lines).toEqual(expected);
  });

  it('any other door may be locked', () => {
    expect(play(sut, config, plainDoor, [[T0, lock(true)]]).lines).toEqual(['-']);
  });
});
