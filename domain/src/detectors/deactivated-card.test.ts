import { describe, expect, it } from 'vitest';
import { deactivatedCard as sut } from './deactivated-card.ts';
import { areaDevice, play, type Step, T0 } from './testing.ts';

const config = sut.configSchema.parse({});
const gate = areaDevice('access-reader', 'ar-gate-1');
const denied = (reason: string | undefined, card: string | undefined = 'C9') => ({ kind: 'access', event: 'denied', door: 'gate-1', card, reason }) as const;

describe(sut.id, () => {
  it.each<[string, Step[], string[]]>([
    ['SPEC §5 deactivated card used: raises P3 for the card at once', [[T0, denied('deactivated')]], ['raise deactivated-card C9 P3']],
    ['esp-rfid says "Disabled": matched without regard to case', [[T0, denied('Disabled')]], ['raise deactivated-card C9 P3']],
    [
      'an expired or unknown card is not a deactivated one',
      [
        [T0, denied('expired')],
        [T0 + 1, denied('unknown')],
      ],
      ['-', '-'],
    ],
    ['no reason, no finding', [[T0, denied(undefined)]], ['-']],
    [
      'a deactivated card without a number is named by its reader',
      [[T0, { kind: 'access', event: 'denied', door: 'gate-1', card: undefined, reason: 'revoked' }]],
      ['raise deactivated-card ar-gate-1:unknown-card P3'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, gate, steps).lines).toEqual(expected);
  });

  it('the reasons are configurable per site', () => {
    const site = sut.configSchema.parse({ reasons: ['挂失'] });
    expect(
      play(sut, site, gate, [
        [T0, denied('挂失')],
        [T0 + 1, denied('deactivated')],
      ]).lines,
    ).toEqual(['raise deactivated-card C9 P3', '-']);
  });
});
