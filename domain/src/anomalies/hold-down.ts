import { DEVICE_OFFLINE_RULE, GATEWAY_OFFLINE_RULE, NEVER_SUPPRESSED_RULES } from '../detectors/rule-ids.ts';
import type { DetectorEvent } from '../model/anomaly.ts';

/**
 * Hold-down: how the ingest turns a detector's raise and clear into anomaly changes so that a
 * flapping condition (a leak sensor that dries and wets again, a meter that stops for one window)
 * stays ONE anomaly instead of a new work order every few minutes (SPEC §5: "flapping is merged").
 *
 * A clear does not close the anomaly at once: it starts a hold-down. A raise inside the hold-down
 * cancels the clear and counts a flap; the anomaly stays open with the same id and work order.
 * When the hold-down runs out with no raise, the anomaly clears, with the clear's timestamp and
 * the rule's `closesWorkOrder`. Raises are never delayed: an alarm is shown at once.
 *
 * Truth table (`pending` = a clear is being held down):
 *
 * | open | pending | event           | action                                      |
 * | ---- | ------- | --------------- | ------------------------------------------- |
 * | no   | –       | raise           | open                                        |
 * | yes  | no      | raise           | repeat (count + 1, last seen, evidence)     |
 * | yes  | yes     | raise           | flap (cancel the clear, flaps + 1, count+1) |
 * | no   | –       | clear           | ignore                                      |
 * | yes  | no      | clear, hold > 0 | hold the clear until now + hold             |
 * | yes  | no      | clear, hold = 0 | clear now                                   |
 * | yes  | yes     | clear           | ignore (the first clear's deadline stands)  |
 *
 * A tick at or after the deadline clears (`isClearDue`). The deadline lives on the anomaly row,
 * so it survives a restart of the ingest.
 */

/** What the store knows about the open anomaly of one (rule, subject). */
export interface OpenAnomalyFacts {
  /** Epoch ms when a held-down clear takes effect; null when no clear is pending. */
  readonly clearDueAt: number | null;
}

export type AnomalyAction =
  | { readonly kind: 'open' }
  | { readonly kind: 'repeat' }
  | { readonly kind: 'flap' }
  | { readonly kind: 'hold-clear'; readonly dueAt: number; readonly closesWorkOrder: boolean }
  | { readonly kind: 'clear'; readonly closesWorkOrder: boolean }
  | { readonly kind: 'ignore' };

export function decideAnomalyAction(open: OpenAnomalyFacts | undefined, event: DetectorEvent, now: number, holdDownMs: number): AnomalyAction {
  if (event.type === 'raise') {
    if (open === undefined) return { kind: 'open' };
    return open.clearDueAt === null ? { kind: 'repeat' } : { kind: 'flap' };
  }
  if (open === undefined || open.clearDueAt !== null) return { kind: 'ignore' };
  if (holdDownMs <= 0) return { kind: 'clear', closesWorkOrder: event.closesWorkOrder };
  return { kind: 'hold-clear', dueAt: now + holdDownMs, closesWorkOrder: event.closesWorkOrder };
}

export const isClearDue = (open: OpenAnomalyFacts, now: number): boolean => open.clearDueAt !== null && open.clearDueAt <= now;

/**
 * Hold-down per rule, in minutes. Five minutes merges the usual flapping (a leak sensor drying on
 * the edge, a door contact bouncing, a meter idle for one slot) without keeping a real all-clear
 * waiting long. Rules not listed use `defaultMinutes`.
 */
export interface HoldDownPolicy {
  readonly defaultMinutes: number;
  readonly byRule: Readonly<Record<string, number>>;
}

export const defaultHoldDownPolicy: HoldDownPolicy = {
  defaultMinutes: 5,
  byRule: {
    // A device that reconnects after missed heartbeats often drops again within minutes (weak signal, LoRa gaps).
    [DEVICE_OFFLINE_RULE]: 10,
    [GATEWAY_OFFLINE_RULE]: 10,
    // Life safety is never held down: a panel reset closes at once, and the next alarm opens a new
    // anomaly and a new work order (rule-ids.ts NEVER_SUPPRESSED_RULES: "raises every time").
    ...Object.fromEntries(NEVER_SUPPRESSED_RULES.map((rule) => [rule, 0])),
  },
};

export const holdDownMs = (policy: HoldDownPolicy, rule: string): number => (policy.byRule[rule] ?? policy.defaultMinutes) * 60_000;
