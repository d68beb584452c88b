/**
 * Delivery retries (issue 6: "failed deliveries retry with backoff and are visible"). Pure: the
 * dispatcher passes the jitter it drew, so tests state it.
 */
export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly maxAttempts: number;
}

/**
 * When to try again after `attempts` failed tries (1 = the first failed): base·2^(attempts-1),
 * capped at maxMs, stretched by up to +25 % jitter so many failed pushes do not retry at once.
 * Undefined when the attempts are used up.
 */
export function nextAttemptAt(failedAt: number, attempts: number, policy: RetryPolicy, jitter: number): number | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return failedAt + Math.round(delay * (1 + 0.25 * Math.min(Math.max(jitter, 0), 1)));
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'gone' | 'rejected';

/**
 * What an HTTP answer means for a push (RFC 8030 §5/§7.3 for Web Push; webhooks answer 200 and
 * put their own error code in the body, which each provider checks before calling this):
 *   2xx → delivered · 404/410 → gone (subscription expired: remove it) · 408/425/429/5xx → retry
 *   other 4xx → rejected (our request is wrong; retrying cannot help) · no answer → retry.
 */
export function classifyHttpStatus(status: number | undefined): DeliveryOutcome {
  if (status === undefined) return 'retry';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 404 || status === 410) return 'gone';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'rejected';
}
