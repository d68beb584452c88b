import type { EscalationEvent } from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';

/**
 * The Escalations port: "order X escalated to person Y at level N" (level 0 is the warning to the
 * assignee before a breach). Published once, after the commit that recorded it, by the process
 * that won the escalation, so a subscriber (web push, group robots, the roster) sends it once.
 */
export interface Escalations {
  publish(event: EscalationEvent): void;
  /** Returns the unsubscribe function. A listener that throws or rejects is logged, never fatal. */
  subscribe(listener: (event: EscalationEvent) => void | Promise<void>): () => void;
}

export function createEscalations(log: Logger): Escalations {
  const listeners = new Set<(event: EscalationEvent) => void | Promise<void>>();
  const failed = (event: EscalationEvent) => (error: unknown) =>
    log.error({ err: error, workOrderId: event.workOrderId, level: event.level }, 'an escalation subscriber failed');
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          const result = listener(event);
          if (result instanceof Promise) result.catch(failed(event));
        } catch (error) {
          failed(event)(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
