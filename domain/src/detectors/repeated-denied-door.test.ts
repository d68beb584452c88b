import { describe, expect, it } from 'vitest';
import { repeatedDeniedDoor as sut } from './repeated-denied-door.ts';
import { areaDevice, MIN, play, type Step, T0 } from './testing.ts';

const config = sut.configSchema.parse({});
const gate = areaDevice('access-reader', 'ar-gate-1');
const denied = (card: string, door: string | null = 'gate-1') =>
  ({ kind: 'access', event: 'denied', door: door ?? undefined, card, reason: 'unknown' }) as const;

describe(sut.id, () => {
  it('SPEC §5 repeated denied cards, per door: 5 denials within 5 minutes, whatever the cards, raise P3', () => {
    const steps: Step[] = ['C1', 'C2', 'C3', 'C4', 'C5'].map((card, i) => [T0 + i * 30_000, denied(card)] as const);
    expect(play(sut, config, gate, steps).lines).toEqual(['-', '-', '-', '-', 'raise repeated-denied-door gate-1 P3']);
  });

  it.each<[string, Step[], string[]]>([
    [
      'denials at different doors do not add up under this rule',
      ['gate-1', 'gate-2', 'gate-3', 'gate-4', 'gate-5'].map((door, i) => [T0 + i * 1000, denied('C1', door)] as const),
      ['-', '-', '-', '-', '-'],
    ],
    ['the window slides: old denials fall out', [0, 2, 4, 6, 8, 10].map((m, i) => [T0 + m * MIN, denied(`C${i}`)] as const), ['-', '-', '-', '-', '-', '-']],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, gate, steps).lines).toEqual(expected);
  });

  it('a reader that names no door counts as its own door', () => {
    const steps: Step[] = [0, 1, 2, 3, 4].map((i) => [T0 + i * 1000, denied(`C${i}`, null)] as const);
    expect(play(sut, config, gate, steps).lines.at(-1)).toBe('raise repeated-denied-door ar-gate-1 P3');
  });
});
