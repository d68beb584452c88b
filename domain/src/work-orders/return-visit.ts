import type { IntakeCategory, RepairKind } from './actions.ts';
import { nextCallableAt } from './call-hours.ts';
import { localParts, localToInstant } from './local-time.ts';
import type { WorkOrderPolicy } from './policy-schema.ts';

/**
 * 回访规程 (SPEC §6): which return visit an order gets once its result is fed back to the owner.
 * First match wins:
 *
 *   rule               when                                  how      by                      due
 *   major-complaint    重大投诉                              on site  manager                 48 h (回访率100%)
 *   rework             reopened and fixed again (返修)       on site  maintenance supervisor  3 days
 *   after-heavy-rain   slab / window / wall leak             on site  maintenance supervisor  3 days after the next heavy rain
 *   plumbing           toilet leak, blocked drain, concealed phone or on site  maintenance   3 days
 *   safety-facility    安全设施维修                          phone    customer service        2 days
 *   routine-next-day   日常一般性维修                        phone    customer service        end of the next day (≥ 70 %)
 *   standard           everything else                       phone    customer service        48 h (24-48小时内回访)
 *
 * Calls are scheduled out of quiet hours (服务细节).
 */
export const returnVisitRules = ['major-complaint', 'rework', 'after-heavy-rain', 'plumbing', 'safety-facility', 'routine-next-day', 'standard'] as const;
export type ReturnVisitRule = (typeof returnVisitRules)[number];

export interface ReturnVisitFacts {
  readonly category: IntakeCategory | null;
  readonly repairKind: RepairKind | null;
  readonly majorComplaint: boolean;
  /** The order was reopened before (返修). */
  readonly rework: boolean;
  readonly fedBackAt: number;
}

export interface ReturnVisitPlan {
  readonly rule: ReturnVisitRule;
  readonly method: 'phone' | 'on-site' | 'phone-or-on-site';
  readonly visitorRole: 'customer-service' | 'maintenance-supervisor' | 'manager';
  /** When to call or go; null while waiting for heavy rain. */
  readonly scheduledAt: number | null;
  readonly dueAt: number | null;
  readonly waitsForRain: boolean;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function returnVisitRule(f: Omit<ReturnVisitFacts, 'fedBackAt'>): ReturnVisitRule {
  if (f.category === 'complaint' && f.majorComplaint) return 'major-complaint';
  if (f.rework) return 'rework';
  if (f.repairKind === 'slab-window-wall-leak') return 'after-heavy-rain';
  if (f.repairKind === 'toilet-leak' || f.repairKind === 'blocked-drain' || f.repairKind === 'concealed-works') return 'plumbing';
  if (f.repairKind === 'safety-facility') return 'safety-facility';
  if (f.category === 'repair') return 'routine-next-day';
  return 'standard';
}

export function planReturnVisit(f: ReturnVisitFacts, policy: WorkOrderPolicy, timeZone: string): ReturnVisitPlan {
  const p = policy.returnVisits;
  const rule = returnVisitRule(f);
  const callFrom = (at: number) => nextCallableAt(at, policy.callHours, timeZone);
  const within = (ms: number) => ({ scheduledAt: Math.min(callFrom(f.fedBackAt + Math.min(DAY, ms / 2)), f.fedBackAt + ms), dueAt: f.fedBackAt + ms });
  switch (rule) {
    case 'major-complaint':
      return { rule, method: 'on-site', visitorRole: 'manager', waitsForRain: false, ...within(p.withinHours * HOUR) };
    case 'rework':
      return { rule, method: 'on-site', visitorRole: 'maintenance-supervisor', waitsForRain: false, ...within(p.reworkDays * DAY) };
    case 'after-heavy-rain':
      return { rule, method: 'on-site', visitorRole: 'maintenance-supervisor', waitsForRain: true, scheduledAt: null, dueAt: null };
    case 'plumbing':
      return { rule, method: 'phone-or-on-site', visitorRole: 'maintenance-supervisor', waitsForRain: false, ...within(p.plumbingDays * DAY) };
    case 'safety-facility':
      return { rule, method: 'phone', visitorRole: 'customer-service', waitsForRain: false, ...within(p.safetyFacilityDays * DAY) };
    case 'routine-next-day': {
      // 次日内: any callable time tomorrow, local.
      const d = localParts(f.fedBackAt, timeZone);
      const tomorrow = localToInstant(timeZone, d.year, d.month, d.day + 1, 0, 0);
      const dayAfter = localToInstant(timeZone, d.year, d.month, d.day + 2, 0, 0);
      return { rule, method: 'phone', visitorRole: 'customer-service', waitsForRain: false, scheduledAt: callFrom(tomorrow), dueAt: dayAfter };
    }
    case 'standard':
      return { rule, method: 'phone', visitorRole: 'customer-service', waitsForRain: false, ...within(p.withinHours * HOUR) };
  }
}

/** 经过一次大暴雨之后上门回访: the heavy rain an operator recorded schedules a waiting visit. */
export function scheduleAfterRain(rainAt: number, policy: WorkOrderPolicy, timeZone: string): { scheduledAt: number; dueAt: number } {
  return { scheduledAt: nextCallableAt(rainAt, policy.callHours, timeZone), dueAt: rainAt + policy.returnVisits.afterRainDays * DAY };
}

/**
 * Issue 23: a return visit recorded before its window is early: the next day for a routine repair
 * (次日内, from local midnight), after the heavy rain for a slab/window/wall leak (经过一次大暴雨之后).
 * It is kept, with the visitor's reason, and counted apart, so the next-day rate (≥ 70 %) stays true.
 * The other rules have no lower bound ("within n days").
 */
export function isEarlyVisit(
  visit: { readonly rule: ReturnVisitRule; readonly status: string; readonly scheduledAt: number | null },
  at: number,
  timeZone: string,
): boolean {
  if (visit.rule === 'after-heavy-rain') return visit.status === 'waiting-for-rain' || visit.scheduledAt === null;
  if (visit.rule !== 'routine-next-day' || visit.scheduledAt === null) return false;
  const d = localParts(visit.scheduledAt, timeZone);
  return at < localToInstant(timeZone, d.year, d.month, d.day, 0, 0);
}
