import { nextAttemptAt, type RetryPolicy, type SiteFile } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import { postJson } from './http-post.ts';
import type { DeliveryResult, PushMessage } from './provider.ts';
import { type DueDelivery, pushesRepository, subscriptionsRepository } from './pushes.repository.ts';
import { sendWebPush, type VapidKeys } from './web-push.ts';
import { webhookProvider } from './webhooks.ts';

export interface DispatcherDeps {
  readonly db: Db;
  readonly site: SiteFile;
  readonly vapid: VapidKeys;
  readonly now: () => number;
  /** Jitter source for the backoff (a parameter so tests can state it). */
  readonly random: () => number;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

/**
 * Sends pending deliveries (Web Push, group robots), records each attempt's result, retries with
 * backoff (domain/src/notify/retry.ts), and removes a Web Push subscription the push service says
 * is gone (404/410, RFC 8030 §7.3). A delivery is claimed for a lease first, so a crash mid-send
 * only delays it, and two server processes never both send it.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const { db, site, now, log } = deps;
  const retry: RetryPolicy = {
    baseMs: site.notify.retry.baseSeconds * 1000,
    maxMs: site.notify.retry.maxSeconds * 1000,
    maxAttempts: site.notify.retry.maxAttempts,
  };
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const webhooks = new Map(site.notify.webhooks.map((w) => [w.id, w]));

  async function message(pushId: string): Promise<PushMessage | undefined> {
    const push = await pushesRepository.find(db, pushId);
    if (push === undefined) return undefined;
    return {
      pushId,
      siteName: site.site.name,
      severity: push.severity,
      title: push.title,
      body: push.body,
      needsAck: push.needsAck,
      drill: push.drill,
      path: `/steward?push=${pushId}`,
    };
  }

  async function send(delivery: DueDelivery, msg: PushMessage): Promise<DeliveryResult & { subscriptionId?: string }> {
    const [kind, id = ''] = delivery.target.split(':');
    if (delivery.channel === 'web-push' && kind === 'subscription') {
      const subscription = await subscriptionsRepository.find(db, id);
      if (subscription === undefined) return { outcome: 'gone', error: 'subscription removed' };
      const result = await sendWebPush(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        msg,
        { ...deps.vapid, subject: site.notify.webPushSubject },
        timeoutMs,
      );
      return { ...result, subscriptionId: id };
    }
    if ((delivery.channel === 'wecom' || delivery.channel === 'dingtalk' || delivery.channel === 'feishu') && kind === 'webhook') {
      const config = webhooks.get(id);
      if (config === undefined) return { outcome: 'rejected', error: `webhook ${id} is no longer configured` };
      const provider = webhookProvider(config.platform);
      const request = provider.request(msg, config, now());
      const answer = await postJson(request.url, request.body, timeoutMs);
      if (answer.status === undefined) return { outcome: 'retry', error: answer.error ?? 'no answer' };
      return provider.interpret(answer.status, answer.body);
    }
    return { outcome: 'rejected', error: `no sender for ${delivery.channel} ${delivery.target}` };
  }

  let running: Promise<number> | undefined;

  /** Sends everything due now; returns how many attempts were made. Calls overlapping a run join it. */
  function runDue(): Promise<number> {
    running ??= (async () => {
      let attempts = 0;
      for (;;) {
        const due = await pushesRepository.claimDue(db, now(), timeoutMs * 3, 50);
        if (due.length === 0) return attempts;
        for (const delivery of due) {
          attempts += 1;
          const msg = await message(delivery.pushId);
          const result = msg === undefined ? { outcome: 'rejected' as const, error: 'push missing' } : await send(delivery, msg);
          const at = now();
          const failedTries = delivery.attempts + 1;
          const retryAt = result.outcome === 'retry' ? nextAttemptAt(at, failedTries, retry, deps.random()) : undefined;
          const status =
            result.outcome === 'delivered' ? 'delivered' : result.outcome === 'retry' ? (retryAt === undefined ? 'failed' : 'pending') : result.outcome;
          await pushesRepository.recordAttempt(
            db,
            delivery.id,
            { status, nextAttemptAt: retryAt ?? null, error: result.error ?? null, httpStatus: result.httpStatus ?? null },
            at,
          );
          const subscriptionId = 'subscriptionId' in result ? result.subscriptionId : undefined;
          if (subscriptionId !== undefined && result.outcome === 'gone') {
            await subscriptionsRepository.removeById(db, subscriptionId);
            log.info({ deliveryId: delivery.id, subscriptionId }, 'push subscription expired; removed');
          } else if (subscriptionId !== undefined && result.outcome === 'delivered') {
            await subscriptionsRepository.markSuccess(db, subscriptionId, at);
          }
          if (status !== 'delivered')
            log.warn({ deliveryId: delivery.id, channel: delivery.channel, status, error: result.error }, 'push delivery not delivered');
        }
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return { runDue };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
