import { describe, expect, it } from 'vitest';
import { canSee, type ScopedUser, visibleTo } from './grid-scope.ts';

const user = (role: string, personId: string | null, coveredGrids: string[] = [], siteId = 's1'): ScopedUser => ({ role, siteId, personId, coveredGrids });

describe(canSee.name, () => {
  const table: [string, ScopedUser, { siteId: string; gridId: string | null; department?: string; assigneeId?: string }, boolean][] = [
    ['operator sees any grid of its site', user('operator', null), { siteId: 's1', gridId: 'g2' }, true],
    ['operator never sees another site', user('operator', null), { siteId: 's2', gridId: 'g1' }, false],
    ['steward sees their own grid', user('steward', 'wang', ['g1']), { siteId: 's1', gridId: 'g1' }, true],
    ['steward does not see another grid', user('steward', 'wang', ['g1']), { siteId: 's1', gridId: 'g2' }, false],
    ['steward sees a grid covered on duty', user('steward', 'wang', ['g1', 'g2']), { siteId: 's1', gridId: 'g2' }, true],
    ['steward does not see a record without a grid', user('steward', 'wang', ['g1']), { siteId: 's1', gridId: null }, false],
    ['steward sees an order assigned to them elsewhere', user('steward', 'wang', ['g1']), { siteId: 's1', gridId: 'g2', assigneeId: 'wang' }, true],
    ['steward of the same grid at another site sees nothing', user('steward', 'wang', ['g1'], 's2'), { siteId: 's1', gridId: 'g1' }, false],
    ['maintenance sees orders dispatched to maintenance', user('maintenance', 'zhao'), { siteId: 's1', gridId: 'g1', department: 'maintenance' }, true],
    ['maintenance does not see security orders', user('maintenance', 'zhao'), { siteId: 's1', gridId: 'g1', department: 'security' }, false],
    ['security does not see an undispatched anomaly', user('security', 'sun'), { siteId: 's1', gridId: 'g1' }, false],
    ['an unknown role sees nothing', user('guest', null), { siteId: 's1', gridId: 'g1' }, false],
  ];
  it.each(table)('%s', (_title, who, record, expected) => {
    expect(canSee(who, record)).toBe(expected);
  });

  it('filters a list to what a steward may see', () => {
    const rows = [
      { id: 'a', siteId: 's1', gridId: 'g1' },
      { id: 'b', siteId: 's1', gridId: 'g2' },
      { id: 'c', siteId: 's2', gridId: 'g1' },
    ];
    expect(visibleTo(user('steward', 'wang', ['g1']), rows).map((r) => r.id)).toEqual(['a']);
  });
});
