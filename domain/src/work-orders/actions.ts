import { z } from 'zod';
import { severities } from '../model/anomaly.ts';
import { departments } from './policy-schema.ts';

/**
 * What a person sends to start or move a work order: the intake at the front desk and the
 * payload of every lifecycle action, parsed at the HTTP edge and stored on the timeline.
 */

/** 维修 / 投诉 / 咨询 / 求助. */
export const intakeCategories = ['repair', 'complaint', 'enquiry', 'request'] as const;
export type IntakeCategory = (typeof intakeCategories)[number];

/** Phone, a visit to the front desk, or the owners' app. */
export const intakeChannels = ['phone', 'visit', 'app'] as const;

/**
 * Kinds of repair that the return-visit rules (回访规程) treat differently. `routine` is 日常一般性维修.
 */
export const repairKinds = ['routine', 'slab-window-wall-leak', 'toilet-leak', 'blocked-drain', 'concealed-works', 'safety-facility'] as const;
export type RepairKind = (typeof repairKinds)[number];

export const satisfactions = ['satisfied', 'neutral', 'dissatisfied'] as const;
export type Satisfaction = (typeof satisfactions)[number];

const personId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, 'a person id from the site file');
const note = z.string().trim().min(1).max(2000);
const reason = z.string().trim().min(2, 'say why (at least 2 characters)').max(500);
const epochMs = z.number().int().positive();

export const materialSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  quantity: z.number().positive(),
  unit: z.string().trim().max(20).optional(),
});

export const ownerSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  phone: z.string().regex(/^\+?[\d -]{5,20}$/, 'a phone number such as 13800000000'),
});

/** 需求受理信息准确、完整: what the front desk records for a call, a visit or an app request. */
export const intakeRequestSchema = z.strictObject({
  category: z.enum(intakeCategories),
  channel: z.enum(intakeChannels),
  unitId: z.string().min(1).max(64).optional(),
  owner: ownerSchema.optional(),
  description: z.string().trim().min(2).max(4000),
  severity: z.enum(severities).default('P3'),
  repairKind: z.enum(repairKinds).optional(),
  /** 重大投诉: the manager does the return visit, on site. */
  majorComplaint: z.boolean().default(false),
  /** Dispatch at once (the 5-minute classify-and-dispatch step done during the call). */
  dispatch: z.strictObject({ department: z.enum(departments), assigneeId: personId, appointmentAt: epochMs.optional() }).optional(),
  drill: z.boolean().default(false),
});
export type IntakeRequest = z.infer<typeof intakeRequestSchema>;

/** Photos uploaded first (POST …/photos), then named by the action they document. */
const photoIds = z
  .array(z.string().regex(/^\d{1,12}$/, 'a photo id'))
  .max(20)
  .optional();

const common = {
  note: note.optional(),
  photoIds,
  /** A retry with the same key changes nothing (a phone on a bad network sends twice). */
  idempotencyKey: z.string().min(8).max(100).optional(),
  /** The version the person saw; a later change in between refuses the action (409). */
  expectedVersion: z.number().int().positive().optional(),
};

/**
 * Issue 23: finishing a step with SOP items still open, knowingly. The reason is audited, stored on
 * each item it waives, shown on the order's timeline and counted in the monthly report.
 */
export const sopExceptionSchema = z.strictObject({
  reason: z.string().trim().min(2, 'say why the procedure was not followed (at least 2 characters)').max(500),
});
const sopException = sopExceptionSchema.optional();

export const transitionRequestSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('dispatch'), department: z.enum(departments), assigneeId: personId, appointmentAt: epochMs.optional(), ...common }),
  /** 受理: the person has contacted the owner. */
  z.strictObject({ action: z.literal('accept'), ...common }),
  /** 到场; a complex repair gets its promised completion time here (15分钟内完成勘查并制定维修方案). */
  z.strictObject({ action: z.literal('arrive'), promisedAt: epochMs.optional(), ...common }),
  z.strictObject({
    action: z.literal('resolve'),
    note,
    materials: z.array(materialSchema).max(50).default([]),
    costYuan: z.number().nonnegative().max(1_000_000).optional(),
    /** When the work was actually finished, if earlier than now (the report-back clock counts from it). */
    completedAt: epochMs.optional(),
    repairKind: z.enum(repairKinds).optional(),
    photoIds,
    sopException,
    idempotencyKey: common.idempotencyKey,
    expectedVersion: common.expectedVersion,
  }),
  /** The result was told to the owner. */
  z.strictObject({ action: z.literal('feedBack'), ...common }),
  z.strictObject({
    action: z.literal('returnVisit'),
    satisfaction: z.enum(satisfactions),
    method: z.enum(['phone', 'on-site']),
    /** Issue 23: why the visit is made before its window (return-visit.ts isEarlyVisit); required then. */
    earlyReason: reason.optional(),
    sopException,
    ...common,
  }),
  z.strictObject({ action: z.literal('close'), sopException, ...common }),
  z.strictObject({ action: z.literal('cancel'), reason, ...common }),
  /** 误报, with the reason (counted per rule in the monthly report). */
  z.strictObject({ action: z.literal('falseAlarm'), reason, ...common }),
  z.strictObject({ action: z.literal('reopen'), reason, ...common }),
]);
export type TransitionRequest = z.infer<typeof transitionRequestSchema>;

export const noteRequestSchema = z.strictObject({ text: note });
export const progressUpdateRequestSchema = z.strictObject({ text: note, channel: z.enum(['phone', 'sms', 'app', 'visit']).default('phone') });
export const checklistTickRequestSchema = z.strictObject({
  done: z.boolean(),
  note: note.optional(),
  /** Ticking "phone the owner": whether the owner was reached (a reached owner needs no notice at the door). */
  ownerReached: z.boolean().optional(),
  /** A photo uploaded to the order first (POST …/photos) that shows the item done (a notice at the door). */
  photoId: z
    .string()
    .regex(/^\d{1,12}$/, 'a photo id')
    .optional(),
});
export const mergeRequestSchema = z.strictObject({ duplicateIds: z.array(z.string().regex(/^\d+$/, 'a work order id')).min(1).max(20) });
/** 升级 by hand: why the control room does not wait for the clock. */
export const escalateRequestSchema = z.strictObject({ note: note.optional() });
export const heavyRainRequestSchema = z.strictObject({ occurredAt: epochMs.optional(), note: note.optional() });
