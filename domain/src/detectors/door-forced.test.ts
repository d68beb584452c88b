import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '../model/reading.ts';
import { doorForced as sut } from './door-forced.ts';
import { areaDevice, play, type Step, T0 } from './testing.ts';

const config = sut.configSchema.parse({});
const reader = areaDevice('access-reader', 'ar-gate-1');
const access = (event: AccessEvent) => ({ kind: 'access', event, door: 'gate-1', card: undefined, reason: undefined }) as const;

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    ['SPEC §5 门被强行打开: a forced door raises P2 for the door', [[T0, access('forced')]], ['raise door-forced gate-1 P2']],
    [
      'closed clears the anomaly; security still checks who came through',
      [
        [T0, access('forced')],
        [T0 + 30_000, access('closed')],
      ],
      ['raise door-forced gate-1 P2', 'clear door-forced gate-1 stays'],
    ],
    [
      'granted and denied cards are not this rule’s business',
      [
        [T0, access('granted')],
        [T0 + 1000, access('denied')],
      ],
      ['-', '-'],
    ],
    [
      'a reader that names no door: the reader is the subject',
      [[T0, { kind: 'access', event: 'forced', door: undefined, card: undefined, reason: undefined }]],
      ['raise door-forced ar-gate-1 P2'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, reader, steps).lines).toEqual(expected);
  });
});
