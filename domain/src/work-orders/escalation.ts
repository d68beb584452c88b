import type { Severity } from '../model/anomaly.ts';
import type { EscalationRole, WorkOrderPolicy } from './policy-schema.ts';

/**
 * Warning and escalation of a breached step (SPEC §6: steward → on-duty steward → supervisor →
 * manager). Level 0 is the assignee, warned before the breach; level n is the n-th role of the
 * chain; after the top of the chain the top is reminded each interval while nothing happens.
 * `count` grows by one per escalation and is the server's compare-and-set token, so two
 * processes never fire the same escalation twice.
 *
 *   now < warnAt                        → nothing
 *   warnAt ≤ now < dueAt, not warned    → warn the assignee
 *   dueAt + (k-1)·interval ≤ now        → escalate to count k (k ≥ 1), if count < k
 *
 * After a long stop the count jumps straight to the one due now: one call at the right level,
 * not a burst of stale ones.
 */
export interface ClockState {
  readonly severity: Severity;
  readonly dueAt: number | null;
  readonly warnAt: number | null;
  readonly warned: boolean;
  readonly escalationCount: number;
}

export type ClockDecision = { readonly warn: boolean; readonly escalateTo: number | undefined };

const MINUTE = 60_000;

export const reescalateMs = (severity: Severity, policy: WorkOrderPolicy) => policy.escalation.reescalateMinutes[severity] * MINUTE;

/** When the escalation after `count` is due (undefined when no clock runs). */
export function nextEscalationAt(state: Pick<ClockState, 'dueAt' | 'severity'>, count: number, policy: WorkOrderPolicy): number | undefined {
  if (state.dueAt === null) return undefined;
  return state.dueAt + count * reescalateMs(state.severity, policy);
}

export function decideClock(state: ClockState, now: number, policy: WorkOrderPolicy): ClockDecision {
  if (state.dueAt === null) return { warn: false, escalateTo: undefined };
  if (now < state.dueAt) return { warn: !state.warned && state.warnAt !== null && now >= state.warnAt, escalateTo: undefined };
  const target = 1 + Math.floor((now - state.dueAt) / reescalateMs(state.severity, policy));
  return { warn: false, escalateTo: target > state.escalationCount ? target : undefined };
}

export interface EscalationPeople {
  readonly assigneeId: string | null;
  readonly onDutyId: string | null;
  readonly supervisorIds: readonly string[];
  readonly managerIds: readonly string[];
}

export interface EscalationTarget {
  readonly level: number;
  readonly role: EscalationRole;
  readonly personId: string;
}

/** The chain for an order: roles nobody fills are skipped, and nobody is called twice in a row. */
export function escalationChain(people: EscalationPeople, policy: WorkOrderPolicy): EscalationTarget[] {
  const holders: Record<EscalationRole, readonly string[]> = {
    'on-duty': people.onDutyId === null ? [] : [people.onDutyId],
    supervisor: people.supervisorIds,
    manager: people.managerIds,
  };
  const chain: EscalationTarget[] = [];
  let previous = people.assigneeId;
  for (const role of policy.escalation.chain) {
    const personId = holders[role].find((id) => id !== previous);
    if (personId === undefined) continue;
    chain.push({ level: chain.length + 1, role, personId });
    previous = personId;
  }
  return chain;
}

/** Who escalation number `count` calls: the chain's count-th step, then its top again and again. */
export function targetOf(count: number, chain: readonly EscalationTarget[]): EscalationTarget | undefined {
  if (count < 1 || chain.length === 0) return undefined;
  return chain[Math.min(count, chain.length) - 1];
}
