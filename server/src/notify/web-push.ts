import { classifyHttpStatus } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';
import webpush from 'web-push';
import { postRaw } from './http-post.ts';
import type { DeliveryResult, PushMessage } from './provider.ts';

/**
 * Web Push to the steward's phone (RFC 8030 delivery, RFC 8291 aes128gcm encryption, RFC 8292
 * VAPID). The `web-push` library builds the encrypted request; we send it with fetch so that the
 * timeout, the result and a plain-HTTP push service in tests are ours to handle.
 */

export interface VapidKeys {
  readonly publicKey: string;
  readonly privateKey: string;
}

export interface WebPushSubscription {
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

/** The server's VAPID key pair, generated on first run and stored so every subscription stays valid. */
export async function loadOrCreateVapidKeys(db: Queryable): Promise<VapidKeys> {
  const fresh = webpush.generateVAPIDKeys();
  // Two servers starting together: the first insert wins and both read the same row back.
  await db.query(`insert into notify_keys (name, value) values ('vapid', $1) on conflict (name) do nothing`, [JSON.stringify(fresh)]);
  const { rows } = await db.query<{ value: VapidKeys }>(`select value from notify_keys where name = 'vapid'`);
  const stored = rows[0]?.value;
  if (stored === undefined) throw new Error('VAPID keys could not be stored');
  return stored;
}

/** What the service worker receives (console/src/service-worker.ts parses the same fields). */
export function webPushPayload(message: PushMessage): string {
  return JSON.stringify({
    pushId: message.pushId,
    title: `${message.drill ? '【演练】' : ''}[${message.severity}] ${message.title}`,
    body: message.body,
    severity: message.severity,
    needsAck: message.needsAck,
    path: message.path,
  });
}

export async function sendWebPush(
  subscription: WebPushSubscription,
  message: PushMessage,
  vapid: VapidKeys & { subject: string },
  timeoutMs = 10_000,
): Promise<DeliveryResult> {
  let details: ReturnType<typeof webpush.generateRequestDetails>;
  try {
    details = webpush.generateRequestDetails({ endpoint: subscription.endpoint, keys: { ...subscription.keys } }, webPushPayload(message), {
      vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
      contentEncoding: 'aes128gcm',
      // A P1/P2 page is worth waking the phone; older pages are worthless after an hour.
      urgency: message.needsAck ? 'high' : 'normal',
      TTL: 3600,
      topic: `push${message.pushId}`.slice(0, 32),
    });
  } catch (error) {
    // A malformed stored subscription (bad keys): retrying cannot help.
    return { outcome: 'rejected', error: (error as Error).message };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
  const answer = await postRaw(details.endpoint, headers, details.body ?? new Uint8Array(), timeoutMs);
  const outcome = classifyHttpStatus(answer.status);
  return {
    outcome,
    httpStatus: answer.status,
    error: outcome === 'delivered' ? undefined : (answer.error ?? `HTTP ${answer.status}: ${String(answer.body ?? '').slice(0, 200)}`),
  };
}
