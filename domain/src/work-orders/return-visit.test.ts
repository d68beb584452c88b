import { describe, expect, it } from 'vitest';
import { defaultWorkOrderPolicy } from './policy-schema.ts';
import { planReturnVisit, type ReturnVisitFacts, scheduleAfterRain } from './return-visit.ts';

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
