import { z } from 'zod';
import { severities } from '../model/anomaly.ts';

/** Pushes as the API and the socket show them: every delivery with its result, and the acknowledgement. */

export const pushChannels = ['console', 'web-push', 'wecom', 'dingtalk', 'feishu'] as const;
export type PushChannel = (typeof pushChannels)[number];

export const deliveryStatuses = ['pending', 'delivered', 'failed', 'gone', 'rejected'] as const;

export const pushDeliveryDtoSchema = z.object({
  id: z.string(),
  channel: z.enum(pushChannels),
  /** user:<id>, subscription:<id>, webhook:<id>, control-room */
  target: z.string(),
  personId: z.string().nullable(),
  /** steward, on-duty, supervisor, manager, repeat, control-room, group */
  level: z.string(),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  nextAttemptAt: z.number().nullable(),
  lastError: z.string().nullable(),
  httpStatus: z.number().int().nullable(),
  deliveredAt: z.number().nullable(),
});
export type PushDeliveryDto = z.infer<typeof pushDeliveryDtoSchema>;

export const pushDtoSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  anomalyId: z.string().nullable(),
  workOrderId: z.string().nullable(),
  gridId: z.string().nullable(),
  severity: z.enum(severities),
  title: z.string(),
  body: z.string(),
  drill: z.boolean(),
  status: z.enum(['waiting', 'acknowledged', 'closed', 'exhausted', 'sent']),
  needsAck: z.boolean(),
  createdAt: z.number(),
  nextAt: z.number().nullable(),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  deliveries: z.array(pushDeliveryDtoSchema),
});
export type PushDto = z.infer<typeof pushDtoSchema>;

/** PushSubscription.toJSON() as the browser sends it (W3C Push API). */
export const pushSubscriptionRequestSchema = z.object({
  endpoint: z.url().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{80,100}={0,2}$/, 'a base64url P-256 public key'),
    auth: z.string().regex(/^[A-Za-z0-9_-]{16,24}={0,2}$/, 'a base64url 16-byte secret'),
  }),
});
export type PushSubscriptionRequest = z.infer<typeof pushSubscriptionRequestSchema>;

export const unsubscribeRequestSchema = z.strictObject({ endpoint: z.url().max(2048) });
export const dutyRequestSchema = z.strictObject({ onDuty: z.boolean(), personId: z.string().min(1).max(64).optional() });
export const shiftRequestSchema = z.strictObject({ personId: z.string().min(1).max(64), startsAt: z.number().int(), endsAt: z.number().int() });
export const changePasswordRequestSchema = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) });
