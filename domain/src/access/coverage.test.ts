import { describe, expect, it } from 'vitest';
import { gridsCoveredBy, onDutySteward, type Roster, responsibleFor } from './coverage.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 0, 0, 0);
const roster = (offDuty: string[] = [], shifts: Roster['shifts'] = [], defaultOnDuty: string | null = 'zhou'): Roster => ({
  grids: [
    { id: 'g1', stewardId: 'wang' },
    { id: 'g2', stewardId: 'li' },
    { id: 'g3', stewardId: 'zhou' },
  ],
  shifts,
  defaultOnDuty: defaultOnDuty ?? undefined,
  offDuty: new Set(offDuty),
});

describe(onDutySteward.name, () => {
  const night = [{ personId: 'li', startsAt: T0 + 18 * H, endsAt: T0 + 30 * H }];
  it.each([
    ['no shift: the site default', roster(), T0, 'zhou'],
    ['inside a shift', roster([], night), T0 + 20 * H, 'li'],
    ['a shift ends exclusive', roster([], night), T0 + 30 * H, 'zhou'],
    ['the later-starting shift wins', roster([], [...night, { personId: 'wang', startsAt: T0 + 19 * H, endsAt: T0 + 21 * H }]), T0 + 20 * H, 'wang'],
    ['nobody when the on-duty steward toggled off', roster(['zhou']), T0, undefined],
    ['nobody without a default or shift', roster([], [], null), T0, undefined],
  ] as const)('%s', (_t, r, now, expected) => {
    expect(onDutySteward(r, now)).toBe(expected);
  });
});

describe(responsibleFor.name, () => {
  it.each([
    ['the grid steward while on duty', roster(), 'g1', { personId: 'wang', standIn: false }],
    ['the on-duty steward when the grid steward is off', roster(['wang']), 'g1', { personId: 'zhou', standIn: true }],
    ['nobody when both are off', roster(['wang', 'zhou']), 'g1', undefined],
    ['an unknown grid goes to the on-duty steward', roster(), 'g9', { personId: 'zhou', standIn: true }],
  ] as const)('%s', (_t, r, grid, expected) => {
    expect(responsibleFor(r, grid, T0)).toEqual(expected);
  });
});

describe(gridsCoveredBy.name, () => {
  it.each([
    ['a steward owns their grid', roster(), 'wang', ['g1']],
    ['the on-duty steward covers off-duty grids', roster(['wang', 'li']), 'zhou', ['g3', 'g1', 'g2']],
    ['an off-duty steward still reads their own grid', roster(['wang']), 'wang', ['g1']],
    ['a steward who is not on duty covers nothing else', roster(['wang']), 'li', ['g2']],
  ] as const)('%s', (_t, r, person, expected) => {
    expect(gridsCoveredBy(r, person, T0)).toEqual(expected);
  });
});
