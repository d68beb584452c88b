import { describe, expect, it } from 'vitest';
import { type ClockState, decideClock, escalationChain, nextEscalationAt, targetOf } from './escalation.ts';
import { defaultWorkOrderPolicy } from './policy-schema.ts';

const policy = defaultWorkOrderPolicy();
const T = 1_800_000_000_000;
const MIN = 60_000;
const state = (over: Partial<ClockState> = {}): ClockState => ({
  severity: 'P2',
  dueAt: T + 10 * MIN,
  warnAt: T + 8 * MIN,
  warned: false,
  escalationCount: 0,
  ...over,
});

describe(decideClock.name, () => {
  it.each<[string, Partial<ClockState>, number, { warn: boolean; escalateTo: number | undefined }]>([
    ['nothing before the warning', {}, T + 7 * MIN, { warn: false, escalateTo: undefined }],
    ['warns the assignee before the breach', {}, T + 8 * MIN, { warn: true, escalateTo: undefined }],
    ['warns once', { warned: true }, T + 9 * MIN, { warn: false, escalateTo: undefined }],
    ['003 跟随制: escalates to level 1 (on-duty steward) on the breach', { warned: true }, T + 10 * MIN, { warn: false, escalateTo: 1 }],
    ['does not fire the same escalation twice', { warned: true, escalationCount: 1 }, T + 15 * MIN, { warn: false, escalateTo: undefined }],
    ['re-escalates after 10 min (P2) while nothing happens', { warned: true, escalationCount: 1 }, T + 20 * MIN, { warn: false, escalateTo: 2 }],
    ['after a long stop jumps to the level due now, once', { escalationCount: 0 }, T + 45 * MIN, { warn: false, escalateTo: 4 }],
    ['P1 re-escalates every minute', { severity: 'P1', escalationCount: 1 }, T + 11 * MIN, { warn: false, escalateTo: 2 }],
    ['no clock, no call', { dueAt: null, warnAt: null }, T + 999 * MIN, { warn: false, escalateTo: undefined }],
  ])('%s', (_title, over, now, expected) => {
    expect(decideClock(state(over), now, policy)).toEqual(expected);
  });

  it('schedules the next escalation one interval after the last', () => {
    expect(nextEscalationAt(state(), 0, policy)).toBe(T + 10 * MIN);
    expect(nextEscalationAt(state(), 2, policy)).toBe(T + 30 * MIN);
  });
});

describe(escalationChain.name, () => {
  const people = { assigneeId: 'wang', onDutyId: 'zhao', supervisorIds: ['sun'], managerIds: ['zhou'] };
  it('SPEC §6: steward → on-duty steward → supervisor → manager', () => {
    const chain = escalationChain(people, policy);
    expect(chain.map((t) => [t.level, t.role, t.personId])).toEqual([
      [1, 'on-duty', 'zhao'],
      [2, 'supervisor', 'sun'],
      [3, 'manager', 'zhou'],
    ]);
    expect(targetOf(5, chain)?.personId).toBe('zhou');
    expect(targetOf(0, chain)).toBeUndefined();
  });
  it('skips the on-duty steward when it is the assignee, and roles nobody holds', () => {
    const chain = escalationChain({ ...people, onDutyId: 'wang', supervisorIds: [] }, policy);
    expect(chain.map((t) => t.personId)).toEqual(['zhou']);
  });
});
