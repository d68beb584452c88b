import { z } from 'zod';
import { clockSteps } from '../work-orders/sla.ts';

/** 考核指标, monthly (回访规程: 每月末汇总…统计、分析): one row per site, department or person. */
export const reportGroupings = ['site', 'department', 'person'] as const;

const rate = z.number().min(0).max(1).nullable();

export const reportRowSchema = z.object({
  /** The site id, the department, or the person id. */
  key: z.string(),
  label: z.string(),
  created: z.number().int(),
  completed: z.number().int(),
  completionRate: rate,
  /** On-time share of the steps finished this month, per step. */
  onTime: z.record(z.enum(clockSteps), z.object({ steps: z.number().int(), onTime: z.number().int(), rate })),
  returnVisitsDue: z.number().int(),
  returnVisitsDone: z.number().int(),
  returnVisitRate: rate,
  /** Issue 23: visits made before their window (isEarlyVisit), with a reason; never counted as next-day visits. */
  returnVisitsEarly: z.number().int().default(0),
  /** 日常一般性维修 次日电话回访: share visited by the end of the next day (target ≥ 70 %). */
  routineNextDayRate: rate,
  routineNextDayTarget: z.number(),
  satisfied: z.number().int(),
  dissatisfied: z.number().int(),
  satisfactionRate: rate,
});
export type ReportRow = z.infer<typeof reportRowSchema>;

export const falseAlarmRowSchema = z.object({ rule: z.string(), orders: z.number().int(), falseAlarms: z.number().int(), rate });

/**
 * Anomalies of the month as the wall showed them (issue 14): an incident counts once, its members
 * not at all (unless split out); `withoutOrder` are those dispatch kept from an order (cleared
 * within their hold, rules set to never, the display incident of a life-safety rule).
 */
export const anomalyFiguresSchema = z.object({
  opened: z.number().int(),
  incidents: z.number().int(),
  /** Members folded into an incident, not counted in `opened`. */
  folded: z.number().int(),
  withOrder: z.number().int(),
  withoutOrder: z.number().int(),
});

/**
 * Issue 23: orders of a rule whose work was reported done (resolved or later), how many followed the
 * whole procedure, and how many went on with an exception (an SOP item waived with a reason).
 */
export const sopRuleRowSchema = z.object({ rule: z.string(), finished: z.number().int(), complete: z.number().int(), withExceptions: z.number().int(), rate });
export const sopExceptionRowSchema = z.object({
  workOrderId: z.string(),
  rule: z.string().nullable(),
  at: z.number(),
  actor: z.string(),
  stage: z.string(),
  reason: z.string(),
  itemIds: z.array(z.string()),
});

export const monthlyReportSchema = z.object({
  siteId: z.string(),
  month: z.string(),
  groupBy: z.enum(reportGroupings),
  rows: z.array(reportRowSchema),
  falseAlarmsByRule: z.array(falseAlarmRowSchema),
  anomalies: anomalyFiguresSchema,
  /** SOP completion per rule and the exceptions recorded in the month, with their reasons (issue 23). */
  sopByRule: z.array(sopRuleRowSchema).default([]),
  sopExceptions: z.array(sopExceptionRowSchema).default([]),
});
export type MonthlyReport = z.infer<typeof monthlyReportSchema>;

export const monthlyReportQuerySchema = z.strictObject({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-03'),
  groupBy: z.enum(reportGroupings).default('site'),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});
