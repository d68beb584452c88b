import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checklistFor, rulesWithChecklist, ruleTitles } from '../work-orders/sop.ts';
import type { AnyDetector } from './detector.ts';
import { checkDetectorRegistry, detectors, registeredRules } from './index.ts';
import { DEVICE_OFFLINE_RULE, GATEWAY_OFFLINE_RULE, INCIDENT_RULE, NEVER_SUPPRESSED_RULES, ruleIds } from './rule-ids.ts';
import { vacantUnitWater } from './vacant-unit-water.ts';

const fake = (id: string, rules: string[] = [id], configSchema: z.ZodType<unknown> = z.strictObject({})): AnyDetector => ({
  id,
  version: 1,
  rules,
  appliesTo: ['heartbeat'],
  configSchema,
  initialState: () => ({}),
  onReading: () => [],
});

describe(checkDetectorRegistry.name, () => {
  it('accepts the registry', () => {
    expect(() => checkDetectorRegistry(detectors)).not.toThrow();
  });

  it.each<[string, AnyDetector[], RegExp]>([
    ['rejects a detector id registered twice', [fake('a'), fake('a', ['b'])], /registered twice/],
    ['rejects a rule emitted by two detectors', [fake('a', ['x']), fake('b', ['x'])], /emitted by both "a" and "b"/],
    ['rejects a config field without a default', [fake('a', ['a'], z.strictObject({ threshold: z.number() }))], /config without defaults/],
    ['rejects a detector that names no rule', [fake('a', [])], /names no rule/],
  ])('%s', (_title, registry, error) => {
    expect(() => checkDetectorRegistry(registry)).toThrow(error);
  });
});

describe('the catalog of SPEC §5', () => {
  const rules = registeredRules(detectors);

  it('registers every rule id, and only those', () => {
    expect([...rules].sort()).toEqual(Object.values(ruleIds).sort());
  });

  it.each(rules)('%s has a bilingual title and a checklist of its own', (rule) => {
    expect(ruleTitles[rule]?.zh).toMatch(/\S/);
    expect(ruleTitles[rule]?.en).toMatch(/\S/);
    expect(rulesWithChecklist).toContain(rule);
    const items = checklistFor(rule, { keyHeld: false, hasValve: false });
    expect(items.length).toBeGreaterThanOrEqual(2);
    for (const item of items) expect(item.zh && item.en && item.done === false).toBe(true);
  });

  it('has no titles or checklists for rules nobody emits (a renamed rule would leave them behind)', () => {
    // `incident` is the ingest's own rule (anomalies grouped), not a detector's.
    expect(Object.keys(ruleTitles).filter((r) => !rules.includes(r) && r !== INCIDENT_RULE)).toEqual([]);
    expect(rulesWithChecklist.filter((r) => !rules.includes(r) && r !== INCIDENT_RULE)).toEqual([]);
  });

  it.each(detectors.map((d) => [d.id, d] as const))('%s: config defaults parse and survive a JSON round trip', (_id, detector) => {
    const config = detector.configSchema.parse({});
    expect(detector.configSchema.parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });

  it('the pipeline’s constants name registered rules; fire alarms are never suppressed', () => {
    expect(rules).toContain(DEVICE_OFFLINE_RULE);
    expect(rules).toContain(GATEWAY_OFFLINE_RULE);
    expect(NEVER_SUPPRESSED_RULES).toEqual(expect.arrayContaining(['fire-alarm', 'fire-confirmed']));
  });

  it('keeps the existing vacant-unit-water detector registered under its id', () => {
    expect(detectors).toContain(vacantUnitWater);
  });
});

describe('SOP facts', () => {
  it.each<[string, { keyHeld: boolean; hasValve: boolean; ownerReachable?: boolean }, boolean]>([
    ['社区管家职责: no key, owner not reached yet → the notice item says what to do if unreachable', { keyHeld: false, hasValve: false }, true],
    ['no key, owner unreachable → leave a notice', { keyHeld: false, hasValve: false, ownerReachable: false }, true],
    ['no key, owner reached → no notice', { keyHeld: false, hasValve: false, ownerReachable: true }, false],
    ['key held → no notice', { keyHeld: true, hasValve: false, ownerReachable: false }, false],
  ])('%s', (_title, facts, notice) => {
    expect(checklistFor('vacant-unit-water', facts).some((i) => i.id === 'leave-notice')).toBe(notice);
  });

  it('the valve item is remote when the meter has a valve (burst, leak, vacant unit)', () => {
    for (const rule of ['burst', 'leak', 'vacant-unit-water']) {
      expect(checklistFor(rule, { keyHeld: true, hasValve: true }).find((i) => i.id === 'close-valve')?.zh).toContain('远程');
      expect(checklistFor(rule, { keyHeld: true, hasValve: false }).find((i) => i.id === 'close-valve')?.zh).not.toContain('远程');
    }
  });

  it('an unknown rule gets the generic checklist', () => {
    expect(checklistFor('no-such-rule', { keyHeld: false, hasValve: false }).map((i) => i.id)).toEqual(['check', 'record']);
  });
});
