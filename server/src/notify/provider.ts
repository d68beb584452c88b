import type { DeliveryOutcome, Severity, WebhookConfig, WebhookPlatform } from '@dutyroom/domain';

/** One push as every channel renders it. */
export interface PushMessage {
  readonly pushId: string;
  readonly siteName: string;
  readonly severity: Severity;
  /** Rule title and where, e.g. "空置房水表走动 · 1-1-101". */
  readonly title: string;
  readonly body: string;
  readonly needsAck: boolean;
  readonly drill: boolean;
  /** Path in the console (the steward view) that shows the push and its order. */
  readonly path: string;
}

export interface DeliveryResult {
  readonly outcome: DeliveryOutcome;
  readonly httpStatus?: number | undefined;
  readonly error?: string | undefined;
}

/** An HTTP request a webhook provider wants sent; `signedAt` is the time used in the signature. */
export interface WebhookRequest {
  readonly url: string;
  readonly body: unknown;
}

/**
 * A group-robot platform (registry entry, STYLE §8.3 "the same registry shape serves server/notify").
 * `request` is pure (time passed in) so the formats are tested without a network; `interpret`
 * reads the platform's answer, which reports errors in the body of an HTTP 200.
 */
export interface WebhookProvider {
  readonly id: WebhookPlatform;
  readonly version: number;
  request(message: PushMessage, config: WebhookConfig, nowMs: number): WebhookRequest;
  interpret(status: number, body: unknown): DeliveryResult;
}

/** The plain text every group robot shows: severity, drill mark, title, body. */
export function plainText(message: PushMessage): string {
  const drill = message.drill ? '【演练】' : '';
  const ack = message.needsAck ? '\n请在手机上确认（未确认将逐级升级）' : '';
  return `${drill}[${message.severity}] ${message.siteName}：${message.title}\n${message.body}${ack}`;
}

/** Both WeCom and DingTalk answer `{errcode, errmsg}`; 0 is success. Rate limits (45009, 130101) are worth a retry. */
export function interpretErrcode(status: number, body: unknown, retryCodes: readonly number[]): DeliveryResult {
  if (status < 200 || status >= 300) return { outcome: status === 429 || status >= 500 ? 'retry' : 'rejected', httpStatus: status, error: `HTTP ${status}` };
  const code = typeof body === 'object' && body !== null && 'errcode' in body ? Number((body as { errcode: unknown }).errcode) : Number.NaN;
  const message = typeof body === 'object' && body !== null && 'errmsg' in body ? String((body as { errmsg: unknown }).errmsg) : 'no errcode in the answer';
  if (code === 0) return { outcome: 'delivered', httpStatus: status };
  return { outcome: retryCodes.includes(code) ? 'retry' : 'rejected', httpStatus: status, error: `errcode ${Number.isNaN(code) ? '?' : code}: ${message}` };
}
