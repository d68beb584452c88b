import { describe, expect, it } from 'vitest';
import { defaultWorkOrderPolicy, workOrderPolicySchema } from './policy-schema.ts';
import { checklistFor } from './sop.ts';
import { blockingItems } from './sop-gates.ts';
import { applySopSettings, sopGateSettingsSchema } from './sop-settings.ts';

describe('site SOP gate settings (issue 23)', () => {
  it('a site can make the patrol log advisory and the front-desk check owed before resolve', () => {
    const settings = sopGateSettingsSchema.parse({
      'vacant-unit-water': { 'patrol-log': { requiredBefore: 'advisory' }, 'front-desk-verify': { requiredBefore: 'resolve', evidence: 'note' } },
    });
    const items = applySopSettings(checklistFor('vacant-unit-water', { keyHeld: true, hasValve: false }), 'vacant-unit-water', settings);
    expect(items.find((i) => i.id === 'patrol-log')).toMatchObject({ requiredBefore: 'advisory', evidence: 'tick' });
    expect(items.find((i) => i.id === 'front-desk-verify')).toMatchObject({ requiredBefore: 'resolve', evidence: 'note' });
    const order = { rule: 'vacant-unit-water', checklist: items };
    expect(blockingItems(order, 'resolve').map((i) => i.id)).toEqual(['close-valve', 'front-desk-verify']);
    expect(blockingItems(order, 'close').map((i) => i.id)).not.toContain('patrol-log');
  });

  it('refuses unknown rules, unknown items and empty settings, naming the field', () => {
    const bad = sopGateSettingsSchema.safeParse({ 'no-such-rule': {}, leak: { 'no-such-item': { requiredBefore: 'close' }, record: {} } });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['no-such-rule', 'leak.no-such-item', 'leak.record']));
    // The notice item exists only when there is no key: it is still a valid setting.
    expect(sopGateSettingsSchema.safeParse({ 'vacant-unit-water': { 'leave-notice': { evidence: 'note' } } }).success).toBe(true);
  });

  it('is part of the work-order policy, empty by default', () => {
    expect(defaultWorkOrderPolicy().sopGates).toEqual({});
    expect(workOrderPolicySchema.safeParse({ sopGates: { leak: { 'close-valve': { requiredBefore: 'lunch' } } } }).success).toBe(false);
  });
});
