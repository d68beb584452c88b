import { z } from 'zod';
import { severities } from '../model/anomaly.ts';
import { intakeCategories, intakeChannels, materialSchema, repairKinds, satisfactions } from '../work-orders/actions.ts';
import { workOrderActions, workOrderStatuses } from '../work-orders/lifecycle.ts';
import { departments } from '../work-orders/policy-schema.ts';
import { returnVisitRules } from '../work-orders/return-visit.ts';
import { clockSteps } from '../work-orders/sla.ts';
import { workOrderDtoSchema } from './dto.ts';

/** Shapes of the work-order API beyond the board's summary (WorkOrderDto in dto.ts). */

/** One entry of an order's timeline: who did what, when, with what (notes, materials, cost, photos). */
export const timelineEntrySchema = z.object({
  id: z.string(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  fromStatus: z.enum(workOrderStatuses).nullable(),
  toStatus: z.enum(workOrderStatuses).nullable(),
  payload: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** A timed step: the base of the monthly on-time rate per step. */
export const stepDtoSchema = z.object({
  step: z.enum(clockSteps),
  department: z.enum(departments).nullable(),
  assigneeId: z.string().nullable(),
  startedAt: z.number(),
  dueAt: z.number(),
  doneAt: z.number().nullable(),
  onTime: z.boolean().nullable(),
});

export const escalationRecipientRoles = ['assignee', 'on-duty', 'supervisor', 'manager'] as const;

/**
 * "Order X escalated to person Y at level N" (level 0: the assignee's warning before the breach).
 * Emitted once, after commit, on the Escalations port and the socket; the push channels subscribe.
 */
export const escalationEventSchema = z.object({
  siteId: z.string(),
  workOrderId: z.string(),
  kind: z.enum(['warning', 'escalation']),
  level: z.number().int(),
  /** Grows by one per escalation of the step; with the step it identifies the event (idempotency). */
  count: z.number().int(),
  role: z.enum(escalationRecipientRoles),
  personId: z.string(),
  personName: z.string(),
  step: z.enum(clockSteps),
  dueAt: z.number(),
  at: z.number(),
  severity: z.enum(severities),
  title: z.object({ zh: z.string(), en: z.string() }),
  drill: z.boolean(),
});
export type EscalationEvent = z.infer<typeof escalationEventSchema>;

export const returnVisitStatuses = ['pending', 'waiting-for-rain', 'done', 'superseded'] as const;
export const returnVisitDtoSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  workOrderId: z.string(),
  rule: z.enum(returnVisitRules),
  method: z.enum(['phone', 'on-site', 'phone-or-on-site']),
  visitorRole: z.enum(['customer-service', 'maintenance-supervisor', 'manager']),
  status: z.enum(returnVisitStatuses),
  scheduledAt: z.number().nullable(),
  dueAt: z.number().nullable(),
  doneAt: z.number().nullable(),
  satisfaction: z.enum(satisfactions).nullable(),
  visitedBy: z.string().nullable(),
  unitId: z.string().nullable(),
  title: z.object({ zh: z.string(), en: z.string() }),
});
export type ReturnVisitDto = z.infer<typeof returnVisitDtoSchema>;

export const photoDtoSchema = z.object({
  id: z.string(),
  workOrderId: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  uploadedBy: z.string(),
  at: z.number(),
  url: z.string(),
});
export type PhotoDto = z.infer<typeof photoDtoSchema>;

export const workOrderDetailSchema = z.object({
  workOrder: workOrderDtoSchema,
  description: z.string().nullable(),
  channel: z.enum(intakeChannels).nullable(),
  repairKind: z.enum(repairKinds).nullable(),
  majorComplaint: z.boolean(),
  /** Owner contact; the phone is masked unless the role needs it. */
  owner: z.object({ name: z.string(), phone: z.string().nullable() }).nullable(),
  /** Why it was cancelled, a false alarm, or reopened. */
  reason: z.string().nullable(),
  resolution: z
    .object({ note: z.string(), materials: z.array(materialSchema), costYuan: z.number().nullable(), completedAt: z.number().nullable() })
    .nullable(),
  allowedActions: z.array(z.enum(workOrderActions)),
  timeline: z.array(timelineEntrySchema),
  steps: z.array(stepDtoSchema),
  returnVisits: z.array(returnVisitDtoSchema),
  photos: z.array(photoDtoSchema),
});
export type WorkOrderDetail = z.infer<typeof workOrderDetailSchema>;

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter((s) => s !== '') : v), z.array(item).min(1).max(20)).optional();
const limit = z.coerce.number().int().min(1).max(200).default(50);
const offset = z.coerce.number().int().min(0).max(1_000_000).default(0);
const epochParam = z.coerce.number().int().nonnegative().optional();

/** GET /api/v1/work-orders: filters, newest first, paged. */
export const workOrderListQuerySchema = z.strictObject({
  status: csv(z.enum(workOrderStatuses)),
  /** `open` for every status still being worked. */
  state: z.enum(['open', 'finished', 'all']).default('all'),
  department: csv(z.enum(departments)),
  assigneeId: z.string().max(64).optional(),
  unitId: z.string().max(64).optional(),
  gridId: z.string().max(64).optional(),
  source: z.enum(['anomaly', 'intake']).optional(),
  category: csv(z.enum(intakeCategories)),
  rule: z.string().max(64).optional(),
  severity: csv(z.enum(severities)),
  /** Only orders past their current step's deadline. */
  overdue: z.enum(['true', 'false']).optional(),
  createdFrom: epochParam,
  createdTo: epochParam,
  limit,
  offset,
});
export type WorkOrderListQuery = z.infer<typeof workOrderListQuerySchema>;

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export const returnVisitListQuerySchema = z.strictObject({
  status: csv(z.enum(returnVisitStatuses)),
  dueBefore: epochParam,
  limit,
  offset,
});

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditQuerySchema = z.strictObject({
  subjectType: z.string().max(64).optional(),
  subjectId: z.string().max(64).optional(),
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  from: epochParam,
  to: epochParam,
  limit,
  offset,
});

export const personDtoSchema = z.object({ id: z.string(), name: z.string(), role: z.string(), department: z.enum(departments).nullable() });
