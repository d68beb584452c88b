import { describe, expect, it } from 'vitest';
import { INCIDENT_RULE, LIFE_SAFETY_RULES, ruleIds } from '../detectors/rule-ids.ts';
import {
  type DispatchSubject,
  decideDispatch,
  dispatchDefaults,
  dispatchPolicyFor,
  dispatchSettingsSchema,
  dispatchTable,
  settingOfPolicy,
} from './dispatch.ts';
import { workOrderPolicySchema } from './policy-schema.ts';

const T = 1_000_000;
const anomaly = (o: Partial<DispatchSubject> = {}): DispatchSubject => ({
  rule: 'vacant-unit-water',
  severity: 'P2',
  status: 'open',
  openedAt: T,
  incidentId: null,
  splitAt: null,
  evidence: {},
  ...o,
});

describe('dispatch defaults', () => {
  it('names every detector rule, each with its reason', () => {
    for (const rule of Object.values(ruleIds)) {
      expect(dispatchDefaults[rule], rule).toBeDefined();
      expect(dispatchDefaults[rule]?.why.length, rule).toBeGreaterThan(1);
    }
  });

  it('life safety (fire, gas, leak, burst) at once', () => {
    expect(LIFE_SAFETY_RULES).toEqual(['fire-alarm', 'fire-confirmed', 'gas-alarm', 'leak', 'burst']);
    for (const rule of LIFE_SAFETY_RULES) expect(dispatchPolicyFor(rule, 'P1')).toEqual({ mode: 'immediate' });
  });

  it('other P2 rules hold 20 s, P3 2 min, P4 30 min; meter-jump never', () => {
    expect(dispatchPolicyFor('vacant-unit-water', 'P2')).toEqual({ mode: 'hold', ms: 20_000 });
    expect(dispatchPolicyFor('door-forced', 'P2')).toEqual({ mode: 'hold', ms: 20_000 });
    expect(dispatchPolicyFor('device-offline', 'P3')).toEqual({ mode: 'hold', ms: 120_000 });
    expect(dispatchPolicyFor('low-battery', 'P4')).toEqual({ mode: 'hold', ms: 1_800_000 });
    expect(dispatchPolicyFor('counter-backwards', 'P4')).toEqual({ mode: 'hold', ms: 1_800_000 });
    expect(dispatchPolicyFor('meter-jump', 'P4')).toEqual({ mode: 'never' });
  });

  it('a rule without a default of its own follows its severity', () => {
    expect(dispatchPolicyFor('some-new-rule', 'P1')).toEqual({ mode: 'immediate' });
    expect(dispatchPolicyFor('some-new-rule', 'P3')).toEqual({ mode: 'hold', ms: 120_000 });
  });

  it("a site's setting wins over the default", () => {
    expect(dispatchPolicyFor('low-battery', 'P4', { 'low-battery': 'never' })).toEqual({ mode: 'never' });
    expect(dispatchPolicyFor('meter-jump', 'P4', { 'meter-jump': 'immediate' })).toEqual({ mode: 'immediate' });
    expect(dispatchPolicyFor('device-offline', 'P3', { 'device-offline': { holdMinutes: 0.5 } })).toEqual({ mode: 'hold', ms: 30_000 });
    expect(settingOfPolicy({ mode: 'hold', ms: 20_000 })).toEqual({ holdMinutes: 1 / 3 });
  });
});

describe('the site document part', () => {
  it('accepts immediate, never and holdMinutes per known rule; defaults to none', () => {
    expect(workOrderPolicySchema.parse({}).dispatch).toEqual({});
    expect(dispatchSettingsSchema.parse({ leak: 'never', 'low-battery': { holdMinutes: 60 } })).toEqual({ leak: 'never', 'low-battery': { holdMinutes: 60 } });
  });

  it('names the field of each refusal', () => {
    const paths = (dispatch: object) => workOrderPolicySchema.safeParse({ dispatch }).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ 'low-battery': 'later', 'device-offline': { holdMinutes: -1 } })).toEqual(['dispatch.low-battery', 'dispatch.device-offline.holdMinutes']);
    expect(paths({ nonsense: 'never', [INCIDENT_RULE]: 'never' })).toEqual(['dispatch.nonsense', 'dispatch.incident']);
  });
});

describe('decideDispatch', () => {
  it('an immediate rule now; a held rule waits until opened + hold, then now', () => {
    expect(decideDispatch(anomaly({ rule: 'leak' }), {}, T)).toEqual({ kind: 'now', why: 'policy' });
    expect(decideDispatch(anomaly(), {}, T + 19_999)).toEqual({ kind: 'wait', dueAt: T + 20_000 });
    expect(decideDispatch(anomaly(), {}, T + 20_000)).toEqual({ kind: 'now', why: 'hold-passed' });
  });

  it('a cleared anomaly never, whatever its hold', () => {
    expect(decideDispatch(anomaly({ rule: 'low-battery', severity: 'P4', status: 'cleared' }), {}, T + 3_600_000)).toEqual({ kind: 'never', why: 'cleared' });
  });

  it('a drill is not held, but a rule set to never stays never', () => {
    expect(decideDispatch(anomaly({ drill: true }), {}, T)).toEqual({ kind: 'now', why: 'drill' });
    expect(decideDispatch(anomaly({ rule: 'meter-jump', severity: 'P4', drill: true }), {}, T)).toEqual({ kind: 'never', why: 'policy' });
    expect(decideDispatch(anomaly({ drill: true, incidentId: '9' }), {}, T)).toEqual({ kind: 'never', why: 'member' });
  });

  it('never by policy', () => {
    expect(decideDispatch(anomaly({ rule: 'meter-jump', severity: 'P4' }), {}, T + 86_400_000)).toEqual({ kind: 'never', why: 'policy' });
  });

  it('a member of an incident never on its own, unless life safety or split out', () => {
    expect(decideDispatch(anomaly({ incidentId: '7' }), {}, T + 3_600_000)).toEqual({ kind: 'never', why: 'member' });
    expect(decideDispatch(anomaly({ rule: 'leak', incidentId: '7' }), {}, T)).toEqual({ kind: 'now', why: 'policy' });
    expect(decideDispatch(anomaly({ incidentId: '7', splitAt: T + 5 }), {}, T + 5)).toEqual({ kind: 'now', why: 'split' });
  });

  it('an incident by its member rule, the hold from its first member, never before it exists', () => {
    const incident = (memberRule: string, openedAt: number) =>
      anomaly({ rule: INCIDENT_RULE, openedAt, evidence: { memberRule, scope: 'site', cause: 'mass', members: 25, firstAt: T, lastAt: T + 9000, open: 25 } });
    expect(decideDispatch(incident('vacant-unit-water', T + 10_000), {}, T + 10_000)).toEqual({ kind: 'wait', dueAt: T + 20_000 });
    // Formed after its members' hold had passed: at once.
    expect(decideDispatch(incident('vacant-unit-water', T + 60_000), {}, T + 60_000)).toEqual({ kind: 'now', why: 'hold-passed' });
    expect(decideDispatch(incident('meter-jump', T + 1000), {}, T + 86_400_000)).toEqual({ kind: 'never', why: 'policy' });
    expect(decideDispatch(incident('vacant-unit-water', T + 1000), { 'vacant-unit-water': 'immediate' }, T + 1000)).toEqual({ kind: 'now', why: 'policy' });
    // A mass fire event is an incident for display: every alarm keeps its own order.
    expect(decideDispatch(incident('fire-alarm', T + 1000), {}, T + 1000)).toEqual({ kind: 'never', why: 'life-safety-incident' });
  });
});

describe('dispatchTable (what the sweep query reads)', () => {
  it('agrees with dispatchPolicyFor for every rule, with -1 for never', () => {
    const settings = { 'low-battery': 'never' as const, 'device-offline': { holdMinutes: 5 } };
    const table = dispatchTable(settings);
    table.rules.forEach((rule, i) => {
      const p = dispatchPolicyFor(rule, 'P4', settings);
      expect(table.holdMs[i], rule).toBe(p.mode === 'never' ? -1 : p.mode === 'immediate' ? 0 : p.ms);
    });
    expect(table.severityHoldMs).toEqual([0, 20_000, 120_000, 1_800_000]);
  });
});
