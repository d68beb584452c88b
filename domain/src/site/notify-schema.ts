import { z } from 'zod';
import { severities } from '../model/anomaly.ts';

/**
 * Per-site push settings (SPEC §7, issue 6): acknowledgement times, escalation repeats, delivery
 * retries and the group-robot webhooks (WeCom 企业微信, DingTalk 钉钉, Feishu 飞书).
 */

export const webhookPlatforms = ['wecom', 'dingtalk', 'feishu'] as const;
export type WebhookPlatform = (typeof webhookPlatforms)[number];

const webhookSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w.-]+$/),
  platform: z.enum(webhookPlatforms),
  /** The robot's address as the platform shows it (…/cgi-bin/webhook/send?key=…, …/robot/send?access_token=…, …/bot/v2/hook/…). */
  url: z.url().refine((u) => u.startsWith('https://') || u.startsWith('http://'), { message: 'must start with https:// (or http:// for a local relay)' }),
  /** Signing secret: DingTalk 加签 (SEC…) and Feishu 签名校验. WeCom robots have none (the key is in the URL). */
  secret: z.string().min(1).optional(),
  /** Which severities page this group; drills never page outside the site (SPEC §8). */
  severities: z.array(z.enum(severities)).min(1).default(['P1', 'P2']),
});
export type WebhookConfig = z.infer<typeof webhookSchema>;

const seconds = z.number().positive();

export const siteNotifySchema = z.strictObject({
  /** P1/P2 pushes need an acknowledgement within this many seconds, else the next level is paged. */
  ackTimeoutSeconds: z.strictObject({ P1: seconds.default(120), P2: seconds.default(300) }).prefault({}),
  /** After the last level (manager), the whole chain is paged again this often… */
  repeatEverySeconds: seconds.default(300),
  /** …this many times; then the push stays unacknowledged on the board and in the record. */
  maxRepeats: z.number().int().nonnegative().default(3),
  /** Failed deliveries: exponential backoff from `baseSeconds`, at most `maxSeconds` apart, `maxAttempts` tries. */
  retry: z.strictObject({ baseSeconds: seconds.default(5), maxSeconds: seconds.default(300), maxAttempts: z.number().int().min(1).default(8) }).prefault({}),
  /** VAPID `sub` claim: who push services may contact about this sender (RFC 8292 §2.1). */
  webPushSubject: z
    .string()
    .refine((s) => s.startsWith('mailto:') || s.startsWith('https://'), { message: 'a mailto: or https: address' })
    .default('mailto:ops@dutyroom.invalid'),
  webhooks: z.array(webhookSchema).default([]),
});
export type SiteNotify = z.infer<typeof siteNotifySchema>;
