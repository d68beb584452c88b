import { describe, expect, it } from 'vitest';
import { repeatedDeniedCard as sut } from './repeated-denied-card.ts';
import { areaDevice, MIN, play, type Step, T0 } from './testing.ts';

const config = sut.configSchema.parse({});
const gate = areaDevice('access-reader', 'ar-gate-1');
const garage = areaDevice('access-reader', 'ar-garage');
const denied = (card: string | undefined, door = 'gate-1') => ({ kind: 'access', event: 'denied', door, card, reason: 'expired' }) as const;
const R = (card: string) => `raise repeated-denied-card ${card} P3`;

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    [
      'SPEC §5 repeated denied cards: one card denied 3 times within 5 minutes raises P3 for security',
      [
        [T0, denied('C1')],
        [T0 + MIN, denied('C1')],
        [T0 + 2 * MIN, denied('C1')],
      ],
      ['-', '-', R('C1')],
    ],
    [
      'per card: the same card at different doors counts together',
      [
        [T0, denied('C1', 'gate-1'), gate],
        [T0 + MIN, denied('C1', 'garage'), garage],
        [T0 + 2 * MIN, denied('C1', 'gate-1'), gate],
      ],
      ['-', '-', R('C1')],
    ],
    [
      'different cards do not add up under this rule',
      [
        [T0, denied('C1')],
        [T0 + MIN, denied('C2')],
        [T0 + 2 * MIN, denied('C3')],
      ],
      ['-', '-', '-'],
    ],
    [
      'denials spread over more than the window do not add up',
      [
        [T0, denied('C1')],
        [T0 + 3 * MIN, denied('C1')],
        [T0 + 6 * MIN, denied('C1')],
        [T0 + 9 * MIN, denied('C1')],
      ],
      ['-', '-', '-', '-'],
    ],
    [
      'a late denial counts where it happened in time',
      [
        [T0 + 2 * MIN, denied('C1')],
        [T0 + 4 * MIN, denied('C1')],
        [T0 + 3 * MIN, denied('C1')],
      ],
      ['-', '-', R('C1')],
    ],
    [
      'granted cards and denials without a card are not counted',
      [
        [T0, { kind: 'access', event: 'granted', door: 'gate-1', card: 'C1', reason: undefined }],
        [T0 + MIN, denied(undefined)],
        [T0 + 2 * MIN, denied('C1')],
      ],
      ['-', '-', '-'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, gate, steps).lines).toEqual(expected);
  });

  it('N and M are configurable (count 2 within 1 minute)', () => {
    const strict = sut.configSchema.parse({ count: 2, windowMinutes: 1 });
    expect(
      play(sut, strict, gate, [
        [T0, denied('C1')],
        [T0 + 30_000, denied('C1')],
      ]).lines,
    ).toEqual(['-', R('C1')]);
  });

  it('keeps at most N timestamps per card', () => {
    const steps: Step[] = Array.from({ length: 50 }, (_, i) => [T0 + i * 1000, denied('C1')] as const);
    expect(play(sut, config, gate, steps).states.get('card:C1')?.times).toHaveLength(3);
  });
});
