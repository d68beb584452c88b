import { onDutySteward, type Roster, responsibleFor } from '../access/coverage.ts';
import type { Severity } from '../model/anomaly.ts';
import type { SiteNotify } from '../site/notify-schema.ts';

/**
 * Push escalation (SPEC §6/§7): steward → on-duty steward → supervisor → manager, then the whole
 * chain again every `repeatEvery`, `maxRepeats` times. Pure: the server stores the state and
 * calls `advance` when `nextAt` has come; an acknowledgement from any phone stops it.
 *
 *   status \ event    due (now ≥ nextAt)                      acknowledge     close (anomaly cleared)
 *   waiting, l < n-1  page level l+1, nextAt += ackTimeout    acknowledged    closed
 *   waiting, l = n-1  repeat all levels, nextAt += repeat     acknowledged    closed
 *   waiting, r = max  exhausted (nobody paged)                acknowledged    closed
 *   acknowledged      —                                       —               —
 *   closed/exhausted  —                                       acknowledged*   —
 *   (* a late acknowledgement is still recorded)
 */

export type EscalationLevel = 'steward' | 'on-duty' | 'supervisor' | 'manager';

export interface ChainLevel {
  readonly level: EscalationLevel;
  readonly personIds: readonly string[];
}

/** The chain for a grid now; people already paged at an earlier level and empty levels are left out. */
export function pushEscalationChain(
  roster: Roster,
  gridId: string | null,
  people: readonly { readonly id: string; readonly role: string }[],
  now: number,
): ChainLevel[] {
  const first = gridId === null ? undefined : responsibleFor(roster, gridId, now)?.personId;
  const onDuty = onDutySteward(roster, now);
  const candidates: [EscalationLevel, (string | undefined)[]][] = [
    ['steward', [first]],
    ['on-duty', [onDuty]],
    ['supervisor', people.filter((p) => p.role === 'supervisor').map((p) => p.id)],
    ['manager', people.filter((p) => p.role === 'manager').map((p) => p.id)],
  ];
  const seen = new Set<string>();
  const chain: ChainLevel[] = [];
  for (const [level, ids] of candidates) {
    const fresh = ids.filter((id): id is string => id !== undefined && !seen.has(id));
    for (const id of fresh) seen.add(id);
    if (fresh.length > 0) chain.push({ level, personIds: fresh });
  }
  return chain;
}

export interface EscalationPolicy {
  readonly ackTimeoutMs: number;
  readonly repeatEveryMs: number;
  readonly maxRepeats: number;
}

/** Only P1 and P2 need an acknowledgement (issue 6); P3/P4 are pushed once. */
export function escalationPolicyFor(severity: Severity, notify: SiteNotify): EscalationPolicy | undefined {
  if (severity !== 'P1' && severity !== 'P2') return undefined;
  return { ackTimeoutMs: notify.ackTimeoutSeconds[severity] * 1000, repeatEveryMs: notify.repeatEverySeconds * 1000, maxRepeats: notify.maxRepeats };
}

export type EscalationStatus = 'waiting' | 'acknowledged' | 'closed' | 'exhausted' | 'sent';

export interface EscalationState {
  readonly status: EscalationStatus;
  /** Index of the last level paged. */
  readonly level: number;
  /** How many times the whole chain was paged again after the last level. */
  readonly repeats: number;
  /** When to advance; null when nothing more will happen. */
  readonly nextAt: number | null;
}

export interface Page {
  readonly levels: readonly EscalationLevel[];
  readonly personIds: readonly string[];
}

/** First page: level 0. Without a policy (P3/P4) the push is sent once and needs no acknowledgement. */
export function startEscalation(chain: readonly ChainLevel[], policy: EscalationPolicy | undefined, now: number): { state: EscalationState; page: Page } {
  const first = chain[0];
  const page: Page = first === undefined ? { levels: [], personIds: [] } : { levels: [first.level], personIds: first.personIds };
  if (policy === undefined) return { state: { status: 'sent', level: 0, repeats: 0, nextAt: null }, page };
  return { state: { status: 'waiting', level: 0, repeats: 0, nextAt: now + policy.ackTimeoutMs }, page };
}

/**
 * Advances a waiting escalation whose time has come; several steps when the server was down
 * longer than one timeout (each step's page is returned, so nothing is skipped silently).
 */
export function advanceEscalation(
  state: EscalationState,
  chain: readonly ChainLevel[],
  policy: EscalationPolicy,
  now: number,
): { state: EscalationState; pages: Page[] } {
  const pages: Page[] = [];
  let current = state;
  while (current.status === 'waiting' && current.nextAt !== null && now >= current.nextAt) {
    const due: number = current.nextAt;
    const nextLevel = chain[current.level + 1];
    if (nextLevel !== undefined) {
      pages.push({ levels: [nextLevel.level], personIds: nextLevel.personIds });
      current = { ...current, level: current.level + 1, nextAt: due + policy.ackTimeoutMs };
    } else if (current.repeats < policy.maxRepeats && chain.length > 0) {
      pages.push({ levels: chain.map((c) => c.level), personIds: chain.flatMap((c) => c.personIds) });
      current = { ...current, repeats: current.repeats + 1, nextAt: due + policy.repeatEveryMs };
    } else {
      current = { ...current, status: 'exhausted', nextAt: null };
    }
  }
  return { state: current, pages };
}

export function acknowledgeEscalation(state: EscalationState): EscalationState {
  return state.status === 'acknowledged' ? state : { ...state, status: 'acknowledged', nextAt: null };
}

/** The anomaly cleared or its order closed: stop paging, keep what was recorded. */
export function closeEscalation(state: EscalationState): EscalationState {
  return state.status === 'waiting' ? { ...state, status: 'closed', nextAt: null } : state;
}
