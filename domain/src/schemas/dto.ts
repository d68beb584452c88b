import { z } from 'zod';
import { anomalyStatuses, severities } from '../model/anomaly.ts';
import { intakeCategories } from '../work-orders/actions.ts';
import { workOrderStatuses } from '../work-orders/lifecycle.ts';
import { departments } from '../work-orders/policy-schema.ts';
import { clockSteps } from '../work-orders/sla.ts';

/** Shapes that cross the HTTP API and socket.io; the console parses them with these schemas. */

const bilingual = z.object({ zh: z.string(), en: z.string() });

export const anomalyDtoSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  rule: z.string(),
  title: bilingual,
  subject: z.string(),
  unitId: z.string().nullable(),
  deviceId: z.string().nullable(),
  severity: z.enum(severities),
  status: z.enum(anomalyStatuses),
  openedAt: z.number(),
  lastSeenAt: z.number(),
  /** Timestamp of the reading that last raised it. */
  readingTs: z.number(),
  count: z.number().int(),
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  drill: z.boolean(),
  version: z.number().int(),
  /**
   * Set once the anomaly is cleared: true when the clear also closes the work order (a device back
   * online), false when the order stays with people (water stopped in a vacant unit: someone must
   * still find out why). Null while open.
   */
  clearClosesWorkOrder: z.boolean().nullable().default(null),
  /** The incident (rule `incident`) this anomaly is a member of; null when it stands alone (issue 14). */
  incidentId: z.string().nullable().default(null),
  /** When an operator split this member out of its incident (it then stands alone, with its own order); null otherwise. */
  splitAt: z.number().nullable().default(null),
});
export type AnomalyDto = z.infer<typeof anomalyDtoSchema>;

export const checklistItemSchema = z.object({
  id: z.string(),
  zh: z.string(),
  en: z.string(),
  done: z.boolean(),
  doneAt: z.number().nullable().optional(),
  doneBy: z.string().nullable().optional(),
  note: z.string().optional(),
  /** Not needed any more (a notice at the door once the owner was reached by phone). */
  notApplicable: z.boolean().optional(),
  /** Issue 23: before which step the item must be done, and what counts as done (sop-gates.ts). */
  requiredBefore: z.enum(['resolve', 'close', 'advisory']).optional(),
  evidence: z.enum(['tick', 'valve-confirmed', 'call-logged', 'photo', 'note']).optional(),
  /** The call's outcome when the item was a call (电话知会业主). */
  ownerReached: z.boolean().optional(),
  /** A photo of the order showing the item done (a notice left at the door). */
  photoId: z.string().optional(),
  /** The system ticked it: the valve command it sent, or the resolve note that is the record. */
  proof: z.object({ kind: z.enum(['valve-command', 'resolve-note']), ref: z.string() }).optional(),
  /** An exception recorded for this item: it no longer blocks `stage`, and the order and the KPIs say so. */
  waived: z.object({ reason: z.string(), by: z.string(), at: z.number(), stage: z.enum(['resolve', 'close']) }).optional(),
});
/** An SOP item as an order carries it: the template of sop.ts plus who ticked it, when. */
export type ChecklistEntry = z.infer<typeof checklistItemSchema>;

export const workOrderDtoSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  anomalyId: z.string().nullable(),
  rule: z.string().nullable(),
  title: bilingual,
  unitId: z.string().nullable(),
  severity: z.enum(severities),
  status: z.enum(workOrderStatuses),
  gridId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  checklist: z.array(checklistItemSchema),
  createdAt: z.number(),
  /** Department the order is dispatched to (customer-service, maintenance, security, cleaning-greening). */
  department: z.enum(departments).nullable(),
  /** Deadline of the current step under the site's time standards (物业跟随制); null when none runs. */
  dueAt: z.number().nullable(),
  /** When the console should turn the countdown amber. */
  warnAt: z.number().nullable(),
  /** The timed step dueAt belongs to. */
  step: z.enum(clockSteps).nullable(),
  /** 0: with the assignee; n: escalated n times along the chain (on-duty steward, supervisor, manager). */
  escalationLevel: z.number().int(),
  /** Anomaly (automatic) or intake at the front desk. */
  source: z.enum(['anomaly', 'intake']),
  /** 维修 / 投诉 / 咨询 / 求助 for an intake; null for an anomaly's order. */
  category: z.enum(intakeCategories).nullable(),
  /** Times the anomaly was seen while this order was open (repeats attach here). */
  anomalyCount: z.number().int(),
  /** 每24小时跟进: when the next progress update to the owner is due; null when none is owed. */
  progressUpdateDueAt: z.number().nullable(),
  /** The order this duplicate was merged into. */
  mergedInto: z.string().nullable(),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  drill: z.boolean(),
  /** Grows with every change; a client drops a delta older than what it holds. */
  version: z.number().int(),
});
export type WorkOrderDto = z.infer<typeof workOrderDtoSchema>;

export const boardSnapshotSchema = z.object({
  anomalies: z.array(anomalyDtoSchema),
  workOrders: z.array(workOrderDtoSchema),
});
export type BoardSnapshot = z.infer<typeof boardSnapshotSchema>;

export const userDtoSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  siteId: z.string(),
  /** The person (site file `people`) this account is; stewards' grids and pushes follow it. */
  personId: z.string().nullable(),
  /** A password an admin set: the account may only change it (and log out) until it does. */
  mustChangePassword: z.boolean().optional(),
});
export type UserDto = z.infer<typeof userDtoSchema>;

export const loginRequestSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const acknowledgeRequestSchema = z.strictObject({ id: z.string().regex(/^\d+$/, 'a work order id') });

export const deadLetterDtoSchema = z.object({
  id: z.string(),
  receivedAt: z.number(),
  topic: z.string(),
  reason: z.string(),
  detail: z.string(),
  payload: z.string(),
});
export type DeadLetterDto = z.infer<typeof deadLetterDtoSchema>;

/** Errors at every edge: HTTP `{error:{code,message}}`, socket ack `{ok:false,code,message}`. */
export const errorCodes = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'WO_INVALID_TRANSITION',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL',
  /** 演练: no drill runner is connected for the site (503). */
  'DRILL_RUNNER_ABSENT',
  /** The account's password was set by an admin: change it first (POST /api/v1/me/password). */
  'PASSWORD_CHANGE_REQUIRED',
  /** The anomaly asked for its members is not an incident (rule `incident`). */
  'NOT_AN_INCIDENT',
  /** Split: the anomaly is not a member of an open incident (or has cleared). */
  'INCIDENT_NOT_MEMBER',
  /** Split: the member was split out already. */
  'INCIDENT_ALREADY_SPLIT',
  /** Issue 23: SOP items owed before this step are open; the body lists them (`items`). Finish them or record an exception. */
  'SOP_INCOMPLETE',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** Payload of `dutyroom/v1/<site>/anomalies/<id>` (retained, QoS 1): the anomaly's state after a change. */
export const anomalyEventSchema = z.object({
  change: z.enum(['opened', 'updated', 'cleared']),
  anomaly: anomalyDtoSchema,
});
export type AnomalyEvent = z.infer<typeof anomalyEventSchema>;
