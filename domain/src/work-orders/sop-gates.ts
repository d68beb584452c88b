import type { ChecklistEntry } from '../schemas/dto.ts';

/**
 * Issue 23: an order cannot be finished with its procedure undone. Each SOP item says before which
 * step it must be done and what counts as done; `blockingItems` is the one gate the server applies
 * to `resolve` and `close` (and to the return visit that closes the order). Pure.
 * The choice per rule, with its source, is in docs/work-orders.md §SOP gates.
 */

/** `resolve`: before the work is reported done; `close`: before the order closes; `advisory`: never blocks. */
export const sopStages = ['resolve', 'close', 'advisory'] as const;
export type SopStage = (typeof sopStages)[number];

/**
 * What a person's tick must carry: `tick` who and when (always recorded); `note` what was done;
 * `call-logged` the call's outcome (owner reached or not) or a note; `photo` a photo of the order;
 * `valve-confirmed` the system's valve command, or a note saying how the valve was closed by hand.
 */
export const sopEvidenceKinds = ['tick', 'valve-confirmed', 'call-logged', 'photo', 'note'] as const;
export type SopEvidence = (typeof sopEvidenceKinds)[number];

export interface SopGate {
  readonly requiredBefore: SopStage;
  readonly evidence: SopEvidence;
}

const gate = (requiredBefore: SopStage, evidence: SopEvidence = 'tick'): SopGate => ({ requiredBefore, evidence });

/** Defaults by item id: an item means the same on every rule's checklist unless the rule says otherwise below. */
const itemDefaults: Readonly<Record<string, SopGate>> = {
  // 首先关上该单位的水闸阀，预防水浸事故: the first thing, before anybody may call the work done.
  'close-valve': gate('resolve', 'valve-confirmed'),
  'front-desk-verify': gate('close'),
  'phone-owner': gate('close', 'call-logged'),
  'contact-owner': gate('close', 'call-logged'),
  'inform-owner': gate('close', 'call-logged'),
  // 若无该单位钥匙，又无法联系业主，需在该单位门口或信箱放置相关通知: the photo shows the notice was left.
  'leave-notice': gate('close', 'photo'),
  'patrol-log': gate('close'),
  'notify-maintenance': gate('resolve'),
  'follow-up': gate('close', 'note'),
  // The resolve note is the record: the system ticks it at resolve (see `recordTick`).
  record: gate('close', 'note'),
  inspect: gate('resolve', 'note'),
  'inspect-leak': gate('resolve', 'note'),
  'dispatch-maintenance': gate('resolve'),
  'security-on-scene': gate('resolve'),
  'confirm-report': gate('resolve', 'note'),
  'escalate-manager': gate('close'),
  'start-emergency-plan': gate('resolve'),
  'call-119': gate('resolve'),
  evacuate: gate('resolve'),
  'check-panel': gate('resolve', 'note'),
  repair: gate('resolve'),
  // A prohibition to respect on the way, not a step anybody can tick as done.
  'no-flames': gate('advisory'),
  ventilate: gate('resolve'),
  'close-gas-valve': gate('resolve'),
  'call-gas-company': gate('close'),
  'security-check': gate('resolve'),
  'check-intrusion': gate('resolve', 'note'),
  'close-door': gate('resolve'),
  unlock: gate('resolve'),
  'retain-card': gate('close'),
  'check-power-network': gate('resolve'),
  'check-gateway': gate('resolve'),
  'replace-battery': gate('resolve'),
  'check-device': gate('resolve', 'note'),
  'check-meter': gate('resolve', 'note'),
  'record-start-reading': gate('close', 'note'),
  'check-scale': gate('advisory'),
  'find-common-cause': gate('resolve', 'note'),
  'check-sample': gate('resolve'),
  // There may be no real member at all; the split is offered, not owed.
  'split-real-members': gate('advisory'),
  'fix-cause': gate('resolve'),
  check: gate('resolve'),
};

/** Where a rule departs from the item's meaning elsewhere. */
const ruleOverrides: Readonly<Record<string, Readonly<Record<string, SopGate>>>> = {
  // An offline device or gateway is often back before anybody calls maintenance: offered, not owed.
  'device-offline': { 'notify-maintenance': gate('advisory') },
  'gateway-offline': { 'notify-maintenance': gate('advisory') },
  tamper: { 'notify-maintenance': gate('advisory') },
  // 电表异常运转: 及时通知相关部门处理 is the first step; it comes before the work is reported done.
  'vacant-unit-electricity': { 'notify-maintenance': gate('resolve') },
};

/** Whether an item id has a gate of its own (a test holds every template item to it). */
export const hasDeclaredGate = (itemId: string): boolean => itemDefaults[itemId] !== undefined;

/** The gate of one item of one rule's checklist; an item nobody declared is advisory (it can never trap an order). */
export function sopGateOf(rule: string | null, itemId: string, facts?: { readonly hasValve: boolean }): SopGate {
  const declared = (rule === null ? undefined : ruleOverrides[rule]?.[itemId]) ?? itemDefaults[itemId] ?? gate('advisory');
  // Without a remote valve somebody closes it by hand on site: the tick (who, when) is the evidence.
  if (itemId === 'close-valve' && facts !== undefined && !facts.hasValve) return gate(declared.requiredBefore, 'tick');
  return declared;
}

/** The gate an entry carries, or (orders stored before issue 23) its rule's default. */
export const gateOfEntry = (rule: string | null, entry: ChecklistEntry): SopGate => ({
  requiredBefore: entry.requiredBefore ?? sopGateOf(rule, entry.id).requiredBefore,
  evidence: entry.evidence ?? sopGateOf(rule, entry.id).evidence,
});

/** What is missing for a tick of this entry to count (undefined: nothing). */
export function missingEvidence(entry: ChecklistEntry, evidence: SopEvidence): string | undefined {
  const note = entry.note !== undefined && entry.note.trim().length > 0;
  switch (evidence) {
    case 'tick':
      return undefined;
    case 'note':
      return note ? undefined : 'a note saying what was done';
    case 'call-logged':
      return note || entry.ownerReached !== undefined ? undefined : 'the call: whether the owner was reached, or a note';
    case 'photo':
      return entry.photoId !== undefined ? undefined : 'a photo';
    case 'valve-confirmed':
      return entry.proof?.kind === 'valve-command' || note ? undefined : 'a valve command sent by the system, or a note on how the valve was closed by hand';
  }
}

/** The lifecycle step an action finishes, if any: resolve, or close (a satisfied return visit closes the order). */
export function sopStageOf(action: string, satisfaction?: string): 'resolve' | 'close' | undefined {
  if (action === 'resolve') return 'resolve';
  if (action === 'close') return 'close';
  if (action === 'returnVisit' && satisfaction !== 'dissatisfied') return 'close';
  return undefined;
}

export interface BlockingItem {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  readonly requiredBefore: 'resolve' | 'close';
  /** Empty when the item is simply not done; otherwise what its tick lacks. */
  readonly missing: string | null;
}

/**
 * The items that keep `stage` from being taken: required before it (an item required before
 * resolve is also required before close), not done with its evidence, not waived by an exception,
 * and still applicable.
 */
export function blockingItems(
  order: { readonly rule: string | null; readonly checklist: readonly ChecklistEntry[] },
  stage: 'resolve' | 'close',
): BlockingItem[] {
  const blocking: BlockingItem[] = [];
  for (const entry of order.checklist) {
    const { requiredBefore, evidence } = gateOfEntry(order.rule, entry);
    if (requiredBefore === 'advisory' || (stage === 'resolve' && requiredBefore === 'close')) continue;
    if (entry.notApplicable === true || entry.waived !== undefined) continue;
    const missing = entry.done ? missingEvidence(entry, evidence) : undefined;
    if (entry.done && missing === undefined) continue;
    blocking.push({ id: entry.id, zh: entry.zh, en: entry.en, requiredBefore, missing: missing ?? null });
  }
  return blocking;
}

/** The entries an exception waives: the blocking ones, marked with who, when, why and for which step. */
export function waiveBlocking(
  order: { readonly rule: string | null; readonly checklist: readonly ChecklistEntry[] },
  stage: 'resolve' | 'close',
  exception: { readonly reason: string; readonly by: string; readonly at: number },
): ChecklistEntry[] {
  const ids = new Set(blockingItems(order, stage).map((i) => i.id));
  return order.checklist.map((entry) => (ids.has(entry.id) ? { ...entry, waived: { ...exception, stage } } : entry));
}

/**
 * The `record` item (记录处理结果) is what the resolve note already is: at resolve the system ticks
 * it with that note, so nobody types the outcome twice.
 */
export function recordTick(checklist: readonly ChecklistEntry[], note: string, by: string, at: number): ChecklistEntry[] {
  return checklist.map((entry) =>
    entry.id === 'record' && !entry.done ? { ...entry, done: true, doneAt: at, doneBy: by, note, proof: { kind: 'resolve-note', ref: 'resolve' } } : entry,
  );
}
