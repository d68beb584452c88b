import { z } from 'zod';
import { type ChecklistItem, checklistFor, rulesWithChecklist } from './sop.ts';
import { sopEvidenceKinds, sopStages } from './sop-gates.ts';

/**
 * Issue 23: a site changes when an SOP item is owed and what counts as done, per rule and item, in
 * its site document (`workOrders.sopGates`), so every change is a revision, audited like the rest.
 * Applied to orders opened after the change; an open order keeps the gates it was opened with.
 */
const sopGateSettingSchema = z
  .strictObject({ requiredBefore: z.enum(sopStages).optional(), evidence: z.enum(sopEvidenceKinds).optional() })
  .refine((s) => s.requiredBefore !== undefined || s.evidence !== undefined, 'give requiredBefore, evidence or both');

/** Every item a rule's checklist can hold, whatever the unit's facts. */
const itemIdsOf = (rule: string): Set<string> =>
  new Set(
    [true, false].flatMap((keyHeld) =>
      [true, false].flatMap((hasValve) =>
        [true, false, undefined].flatMap((ownerReachable) => checklistFor(rule, { keyHeld, hasValve, ownerReachable }).map((i) => i.id)),
      ),
    ),
  );

export const sopGateSettingsSchema = z.record(z.string().min(1), z.record(z.string().min(1), sopGateSettingSchema)).superRefine((settings, ctx) => {
  for (const [rule, items] of Object.entries(settings)) {
    if (!rulesWithChecklist.includes(rule)) {
      ctx.addIssue({ code: 'custom', path: [rule], message: `no checklist for rule "${rule}"; one of ${rulesWithChecklist.join(', ')}` });
      continue;
    }
    const known = itemIdsOf(rule);
    for (const itemId of Object.keys(items))
      if (!known.has(itemId))
        ctx.addIssue({ code: 'custom', path: [rule, itemId], message: `rule "${rule}" has no item "${itemId}"; one of ${[...known].join(', ')}` });
  }
});
export type SopGateSettings = z.infer<typeof sopGateSettingsSchema>;

/** The rule's checklist with the site's gate settings over the defaults. */
export function applySopSettings(items: readonly ChecklistItem[], rule: string, settings: SopGateSettings): ChecklistItem[] {
  const forRule = settings[rule];
  if (forRule === undefined) return [...items];
  return items.map((item) => {
    const setting = forRule[item.id];
    return setting === undefined
      ? item
      : { ...item, requiredBefore: setting.requiredBefore ?? item.requiredBefore, evidence: setting.evidence ?? item.evidence };
  });
}
