import { describe, expect, it } from 'vitest';
import type { Roster } from '../access/coverage.ts';
import { siteNotifySchema } from '../site/notify-schema.ts';
import {
  acknowledgeEscalation,
  advanceEscalation,
  closeEscalation,
  type EscalationPolicy,
  escalationPolicyFor,
  pushEscalationChain,
  startEscalation,
} from './escalation.ts';

const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);
const MIN = 60_000;
const roster = (offDuty: string[] = []): Roster => ({
  grids: [
    { id: 'g1', stewardId: 'wang' },
    { id: 'g2', stewardId: 'li' },
  ],
  shifts: [],
  defaultOnDuty: 'li',
  offDuty: new Set(offDuty),
});
const people = [
  { id: 'wang', role: 'steward' },
  { id: 'li', role: 'steward' },
  { id: 'chen', role: 'supervisor' },
  { id: 'he', role: 'manager' },
];
const policy: EscalationPolicy = { ackTimeoutMs: 5 * MIN, repeatEveryMs: 10 * MIN, maxRepeats: 2 };

describe(pushEscalationChain.name, () => {
  it('003 跟随制: steward → on-duty steward → supervisor → manager', () => {
    expect(pushEscalationChain(roster(), 'g1', people, T0)).toEqual([
      { level: 'steward', personIds: ['wang'] },
      { level: 'on-duty', personIds: ['li'] },
      { level: 'supervisor', personIds: ['chen'] },
      { level: 'manager', personIds: ['he'] },
    ]);
  });
  it('drops the on-duty level when the on-duty steward already got the first page', () => {
    expect(pushEscalationChain(roster(['wang']), 'g1', people, T0).map((l) => l.level)).toEqual(['steward', 'supervisor', 'manager']);
    expect(pushEscalationChain(roster(['wang']), 'g1', people, T0)[0]?.personIds).toEqual(['li']);
  });
  it('starts at the on-duty steward for an anomaly without a grid', () => {
    expect(pushEscalationChain(roster(), null, people, T0)[0]).toEqual({ level: 'on-duty', personIds: ['li'] });
  });
});

describe(advanceEscalation.name, () => {
  const chain = pushEscalationChain(roster(), 'g1', people, T0);
  /** Runs the machine at each time and returns the persons paged at each, '-' for none. */
  const run = (times: number[], ackAt?: number) => {
    let { state } = startEscalation(chain, policy, T0);
    return times.map((t) => {
      if (ackAt !== undefined && t >= ackAt) state = acknowledgeEscalation(state);
      const step = advanceEscalation(state, chain, policy, t);
      state = step.state;
      return step.pages.map((p) => p.personIds.join('+')).join(' | ') || '-';
    });
  };

  it('pages the next level only after the acknowledgement time', () => {
    expect(run([T0 + 4 * MIN, T0 + 5 * MIN, T0 + 9 * MIN, T0 + 10 * MIN, T0 + 15 * MIN])).toEqual(['-', 'li', '-', 'chen', 'he']);
  });
  it('repeats the whole chain after the manager, maxRepeats times, then stops', () => {
    expect(run([T0 + 15 * MIN, T0 + 20 * MIN, T0 + 30 * MIN, T0 + 40 * MIN, T0 + 90 * MIN])).toEqual([
      'li | chen | he',
      'wang+li+chen+he',
      'wang+li+chen+he',
      '-',
      '-',
    ]);
  });
  it('stops at the acknowledgement', () => {
    expect(run([T0 + 5 * MIN, T0 + 7 * MIN, T0 + 10 * MIN, T0 + 60 * MIN], T0 + 7 * MIN)).toEqual(['li', '-', '-', '-']);
  });
  it('catches up every missed step after downtime, in order', () => {
    const { state } = startEscalation(chain, policy, T0);
    const step = advanceEscalation(state, chain, policy, T0 + 12 * MIN);
    expect(step.pages.map((p) => p.levels.join())).toEqual(['on-duty', 'supervisor']);
    expect(step.state.nextAt).toBe(T0 + 15 * MIN);
  });
  it('a cleared anomaly closes the escalation', () => {
    const { state } = startEscalation(chain, policy, T0);
    const closed = closeEscalation(state);
    expect(advanceEscalation(closed, chain, policy, T0 + 60 * MIN).pages).toEqual([]);
    expect(closed.status).toBe('closed');
  });
});

describe(escalationPolicyFor.name, () => {
  const notify = siteNotifySchema.parse({ ackTimeoutSeconds: { P1: 60 } });
  it.each([
    ['P1', { ackTimeoutMs: 60_000, repeatEveryMs: 300_000, maxRepeats: 3 }],
    ['P2', { ackTimeoutMs: 300_000, repeatEveryMs: 300_000, maxRepeats: 3 }],
    ['P3', undefined],
    ['P4', undefined],
  ] as const)('%s', (severity, expected) => {
    expect(escalationPolicyFor(severity, notify)).toEqual(expected);
  });
  it('P3 is sent once with no acknowledgement deadline', () => {
    expect(startEscalation(pushEscalationChain(roster(), 'g1', people, T0), undefined, T0).state).toEqual({
      status: 'sent',
      level: 0,
      repeats: 0,
      nextAt: null,
    });
  });
});
