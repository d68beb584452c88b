import { describe, expect, it } from 'vitest';
import { defaultWorkOrderPolicy } from './policy-schema.ts';
import { isEarlyVisit, planReturnVisit, type ReturnVisitFacts, scheduleAfterRain } from './return-visit.ts';

const policy = defaultWorkOrderPolicy();
const TZ = 'Asia/Shanghai';
const fedBackAt = Date.parse('2026-03-10T16:00:00+08:00');
const at = (iso: string) => Date.parse(`${iso}+08:00`);
const facts = (over: Partial<ReturnVisitFacts>): ReturnVisitFacts => ({
  category: 'repair',
  repairKind: 'routine',
  majorComplaint: false,
  rework: false,
  fedBackAt,
  ...over,
});

describe(planReturnVisit.name, () => {
  it.each<[string, Partial<ReturnVisitFacts>, object]>([
    [
      '回访规程: routine repair, next day by phone, after 08:00',
      {},
      { rule: 'routine-next-day', method: 'phone', scheduledAt: at('2026-03-11T08:00:00'), dueAt: at('2026-03-12T00:00:00') },
    ],
    ['回访规程: rework, on site within 3 days', { rework: true }, { rule: 'rework', method: 'on-site', dueAt: fedBackAt + 3 * 86_400_000 }],
    [
      '回访规程: slab/window/wall leak waits for the next heavy rain',
      { repairKind: 'slab-window-wall-leak' },
      { rule: 'after-heavy-rain', waitsForRain: true, dueAt: null, scheduledAt: null },
    ],
    ['回访规程: blocked drain within 3 days', { repairKind: 'blocked-drain' }, { rule: 'plumbing', dueAt: fedBackAt + 3 * 86_400_000 }],
    [
      '回访规程: major complaint, the manager on site',
      { category: 'complaint', repairKind: null, majorComplaint: true },
      { rule: 'major-complaint', method: 'on-site', visitorRole: 'manager' },
    ],
    ['回访: anything else within 48 h', { category: null, repairKind: null }, { rule: 'standard', dueAt: fedBackAt + 48 * 3_600_000 }],
  ])('%s', (_title, over, expected) => {
    expect(planReturnVisit(facts(over), policy, TZ)).toMatchObject(expected);
  });

  it('回访规程: the visit after the rain is on site within 3 days, at a callable hour', () => {
    const rain = at('2026-04-02T23:00:00');
    expect(scheduleAfterRain(rain, policy, TZ)).toEqual({ scheduledAt: at('2026-04-03T08:00:00'), dueAt: rain + 3 * 86_400_000 });
  });
});

describe(isEarlyVisit.name, () => {
  it('a routine repair visited the same day is early; from local midnight of the next day it is on time', () => {
    const plan = planReturnVisit(facts({ category: 'repair' }), policy, TZ);
    const visit = { rule: plan.rule, status: 'pending', scheduledAt: plan.scheduledAt };
    expect(isEarlyVisit(visit, at('2026-03-10T17:00:00'), TZ)).toBe(true);
    expect(isEarlyVisit(visit, at('2026-03-10T23:59:00'), TZ)).toBe(true);
    expect(isEarlyVisit(visit, at('2026-03-11T00:00:00'), TZ)).toBe(false);
    expect(isEarlyVisit(visit, at('2026-03-11T10:00:00'), TZ)).toBe(false);
  });

  it('a leak visited before the heavy rain is early; after it, not; rules "within n days" have no early', () => {
    expect(isEarlyVisit({ rule: 'after-heavy-rain', status: 'waiting-for-rain', scheduledAt: null }, at('2026-03-12T10:00:00'), TZ)).toBe(true);
    expect(isEarlyVisit({ rule: 'after-heavy-rain', status: 'pending', scheduledAt: at('2026-03-13T09:00:00') }, at('2026-03-13T10:00:00'), TZ)).toBe(false);
    const rework = planReturnVisit(facts({ category: 'repair', rework: true }), policy, TZ);
    expect(isEarlyVisit({ rule: rework.rule, status: 'pending', scheduledAt: rework.scheduledAt }, fedBackAt + 1000, TZ)).toBe(false);
  });
});
