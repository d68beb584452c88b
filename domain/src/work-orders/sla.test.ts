import { describe, expect, it } from 'vitest';
import { defaultWorkOrderPolicy } from './policy-schema.ts';
import { type ClockFacts, progressUpdateDueAt, reportedBackOnTime, stepClock } from './sla.ts';

const policy = defaultWorkOrderPolicy();
const T = Date.parse('2026-03-10T10:00:00+08:00');
const MIN = 60_000;
const facts = (over: Partial<ClockFacts>): ClockFacts => ({
  status: 'created',
  severity: 'P3',
  department: null,
  statusSince: T,
  dispatchedAt: null,
  appointmentAt: null,
  promisedAt: null,
  returnVisitDueAt: null,
  ...over,
});
const dueIn = (f: Partial<ClockFacts>) => {
  const clock = stepClock(facts(f), policy.timeStandards, policy.escalation.warnAtFraction);
  return clock && { step: clock.step, minutes: (clock.dueAt - T) / MIN };
};

describe(stepClock.name, () => {
  it.each<[string, Partial<ClockFacts>, { step: string; minutes: number } | undefined]>([
    ['003 跟随制: dispatch within 5 min of intake', {}, { step: 'dispatch', minutes: 5 }],
    ['003 跟随制: maintenance contacts the owner within 10 min', { status: 'dispatched', department: 'maintenance' }, { step: 'contact', minutes: 10 }],
    ['003 跟随制: other departments contact within 30 min', { status: 'dispatched', department: 'customer-service' }, { step: 'contact', minutes: 30 }],
    ['003 安保: a P1 dispatched to security has 1 min', { status: 'dispatched', department: 'security', severity: 'P1' }, { step: 'contact', minutes: 1 }],
    ['003 维修: on site within 30 min', { status: 'accepted', department: 'maintenance' }, { step: 'arrive', minutes: 30 }],
    ['003 维修: or at the appointment', { status: 'accepted', appointmentAt: T + 90 * MIN }, { step: 'arrive', minutes: 90 }],
    [
      '003 保洁: cleaning on site 30 min after the dispatch',
      { status: 'accepted', department: 'cleaning-greening', dispatchedAt: T - 20 * MIN },
      { step: 'arrive', minutes: 10 },
    ],
    ['003 维修: a simple repair is done within 2 h', { status: 'on-site' }, { step: 'resolve', minutes: 120 }],
    ['003 维修: a complex one by the promised time', { status: 'on-site', promisedAt: T + 600 * MIN }, { step: 'resolve', minutes: 600 }],
    ['003 客服: the owner hears the result within 1 h', { status: 'resolved' }, { step: 'feed-back', minutes: 60 }],
    ['回访: the return visit is timed by its plan', { status: 'fed-back', returnVisitDueAt: T + 2880 * MIN }, { step: 'return-visit', minutes: 2880 }],
    ['回访: a visit waiting for heavy rain runs no clock', { status: 'fed-back' }, undefined],
    ['a reopened order is dispatched again within 5 min', { status: 'reopened' }, { step: 'dispatch', minutes: 5 }],
    ['closed orders run no clock', { status: 'closed' }, undefined],
  ])('%s', (_title, f, expected) => {
    expect(dueIn(f)).toEqual(expected);
  });

  it('warns when 80 % of the step has passed', () => {
    const clock = stepClock(facts({ status: 'dispatched', department: 'maintenance' }), policy.timeStandards, 0.8);
    expect(clock?.warnAt).toBe(T + 8 * MIN);
  });
});

describe(reportedBackOnTime.name, () => {
  it('003 维修: the result reaches customer service within 30 min of the work (cleaning 1 h)', () => {
    expect(reportedBackOnTime(T, T + 30 * MIN, 'maintenance', policy.timeStandards)).toBe(true);
    expect(reportedBackOnTime(T, T + 31 * MIN, 'maintenance', policy.timeStandards)).toBe(false);
    expect(reportedBackOnTime(T, T + 50 * MIN, 'cleaning-greening', policy.timeStandards)).toBe(true);
  });
});

describe(progressUpdateDueAt.name, () => {
  it('003 客服: every 24 h, moved out of quiet hours', () => {
    expect(progressUpdateDueAt(T, policy.timeStandards, policy.callHours, 'Asia/Shanghai')).toBe(T + 24 * 60 * MIN);
    const lateEvening = Date.parse('2026-03-10T22:00:00+08:00');
    expect(progressUpdateDueAt(lateEvening, policy.timeStandards, policy.callHours, 'Asia/Shanghai')).toBe(Date.parse('2026-03-12T08:00:00+08:00'));
  });
});
