import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '../model/reading.ts';
import { doorHeldOpen as sut } from './door-held-open.ts';
import { areaDevice, MIN, play, SEC, type Step, T0 } from './testing.ts';

const config = sut.configSchema.parse({});
const contact = areaDevice('door-contact', 'dc-lobby');
const reader = areaDevice('access-reader', 'ar-lobby');
const fireDoor = areaDevice('door-contact', 'fd-3a-12', { fireDoor: true });
const open = (value: boolean) => ({ kind: 'contact', open: value }) as const;
const access = (event: AccessEvent) => ({ kind: 'access', event, door: 'lobby', card: undefined, reason: undefined }) as const;
const R = 'raise door-held-open dc-lobby P3';

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    [
      'SPEC §5 门长时间未关: a door open longer than 120 s raises P3 at the tick',
      [
        [T0, open(true)],
        [T0 + 119 * SEC, 'tick'],
        [T0 + 120 * SEC, 'tick'],
        [T0 + 5 * MIN, 'tick'],
      ],
      ['-', '-', R, '-'],
    ],
    [
      'closed in time: nothing',
      [
        [T0, open(true)],
        [T0 + 60 * SEC, open(false)],
        [T0 + 5 * MIN, 'tick'],
      ],
      ['-', '-', '-'],
    ],
    [
      'closing it is the fix: the clear closes the order',
      [
        [T0, open(true)],
        [T0 + 3 * MIN, 'tick'],
        [T0 + 4 * MIN, open(false)],
      ],
      ['-', R, 'clear door-held-open dc-lobby closes'],
    ],
    [
      'a repeated "open" does not restart the hold',
      [
        [T0, open(true)],
        [T0 + 100 * SEC, open(true)],
        [T0 + 121 * SEC, open(true)],
      ],
      ['-', '-', R],
    ],
    [
      'a late "open" older than the "closed" does not reopen the door',
      [
        [T0, open(true)],
        [T0 + 30 * SEC, open(false)],
        [T0 + 10 * SEC, open(true)],
        [T0 + 10 * MIN, 'tick'],
      ],
      ['-', '-', '-', '-'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, contact, steps).lines).toEqual(expected);
  });

  it('the reader’s own held-open alarm raises at once, for the door it names', () => {
    expect(
      play(sut, config, reader, [
        [T0, access('opened')],
        [T0 + 30 * SEC, access('held-open')],
        [T0 + 40 * SEC, access('closed')],
      ]).lines,
    ).toEqual(['-', 'raise door-held-open lobby P3', 'clear door-held-open lobby closes']);
  });

  it('fire doors are left to fire-door-open', () => {
    expect(
      play(sut, config, fireDoor, [
        [T0, open(true)],
        [T0 + 10 * MIN, 'tick'],
      ]).lines,
    ).toEqual(['-', '-']);
  });
});
