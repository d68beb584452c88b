import type { Severity } from '../model/anomaly.ts';
import { nextCallableAt } from './call-hours.ts';
import type { WorkOrderStatus } from './lifecycle.ts';
import type { CallHours, Department, TimeStandards } from './policy-schema.ts';

/**
 * The clocks of 物业跟随制 (SPEC §6): which step of an order is timed now and when it is due.
 * Pure; the server stores the result on the order and the SLA ticker reads it back.
 *
 *   status       step           due (minutes, seed defaults)
 *   created      dispatch       5 after intake                      (客服 5分钟内完成分类与分配)
 *   dispatched   contact        maintenance 10, others 30; P1 to security 1   (维修 10分钟 / 工单 30分钟 / 安保 1分钟)
 *   accepted     arrive         appointment, else 30; cleaning 30 and P1 security 1 from the dispatch
 *   on-site      resolve        the promised time, else 120          (一般维修 2小时内完成)
 *   resolved     feed-back      60                                   (1小时内向业主反馈处理结果)
 *   fed-back     return-visit   the return-visit plan (回访规程); none while waiting for rain
 *   reopened     dispatch       5
 *   others       —
 */
export const clockSteps = ['dispatch', 'contact', 'arrive', 'resolve', 'feed-back', 'return-visit'] as const;
export type ClockStep = (typeof clockSteps)[number];

export interface ClockFacts {
  readonly status: WorkOrderStatus;
  readonly severity: Severity;
  readonly department: Department | null;
  /** When the order entered its current status. */
  readonly statusSince: number;
  readonly dispatchedAt: number | null;
  readonly appointmentAt: number | null;
  readonly promisedAt: number | null;
  readonly returnVisitDueAt: number | null;
}

export interface StepClock {
  readonly step: ClockStep;
  readonly startedAt: number;
  readonly dueAt: number;
  readonly warnAt: number;
}

const MINUTE = 60_000;

/** 安保: an emergency (P1) dispatched to security is on scene within a minute. */
const isSecurityEmergency = (f: ClockFacts) => f.department === 'security' && f.severity === 'P1';

function due(f: ClockFacts, s: TimeStandards): { step: ClockStep; dueAt: number } | undefined {
  const since = f.statusSince;
  const fromDispatch = f.dispatchedAt ?? since;
  switch (f.status) {
    case 'created':
    case 'reopened':
      return { step: 'dispatch', dueAt: since + s.dispatch * MINUTE };
    case 'dispatched': {
      const minutes = isSecurityEmergency(f) ? s.securityEmergency : f.department === 'maintenance' ? s.maintenanceContact : s.otherContact;
      return { step: 'contact', dueAt: since + minutes * MINUTE };
    }
    case 'accepted':
      if (isSecurityEmergency(f)) return { step: 'arrive', dueAt: fromDispatch + s.securityEmergency * MINUTE };
      if (f.appointmentAt !== null) return { step: 'arrive', dueAt: f.appointmentAt };
      if (f.department === 'cleaning-greening') return { step: 'arrive', dueAt: fromDispatch + s.cleaningOnSite * MINUTE };
      return { step: 'arrive', dueAt: since + s.onSite * MINUTE };
    case 'on-site':
      return { step: 'resolve', dueAt: f.promisedAt ?? since + s.simpleRepair * MINUTE };
    case 'resolved':
      return { step: 'feed-back', dueAt: since + s.ownerFeedback * MINUTE };
    case 'fed-back':
      return f.returnVisitDueAt === null ? undefined : { step: 'return-visit', dueAt: f.returnVisitDueAt };
    default:
      return undefined;
  }
}

/** The running step's clock, or undefined when no step of this status is timed. */
export function stepClock(facts: ClockFacts, standards: TimeStandards, warnAtFraction: number): StepClock | undefined {
  const d = due(facts, standards);
  if (d === undefined) return undefined;
  const startedAt = facts.statusSince;
  const span = Math.max(0, d.dueAt - startedAt);
  return { step: d.step, startedAt, dueAt: d.dueAt, warnAt: startedAt + Math.floor(span * warnAtFraction) };
}

/** 维修完成后30分钟内将维修结果反馈给客服部门 (保洁绿化 1小时): the resolve action is that report. */
export function reportedBackOnTime(completedAt: number, resolvedAt: number, department: Department | null, standards: TimeStandards): boolean {
  const minutes = department === 'cleaning-greening' ? standards.cleaningReportBack : standards.reportBack;
  return resolvedAt - completedAt <= minutes * MINUTE;
}

/** 每24小时至少跟进一次需求处理进度: the next progress update to the owner, moved out of quiet hours. */
export function progressUpdateDueAt(lastContactAt: number, standards: TimeStandards, hours: CallHours, timeZone: string): number {
  return nextCallableAt(lastContactAt + standards.progressUpdate * MINUTE, hours, timeZone);
}

/** Statuses in which the owner is still waiting for the outcome, so progress updates are owed. */
export const progressOwed = (status: WorkOrderStatus) => ['created', 'dispatched', 'accepted', 'on-site', 'reopened'].includes(status);
