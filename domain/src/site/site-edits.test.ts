import { describe, expect, it } from 'vitest';
import { lowBattery } from '../detectors/low-battery.ts';
import { checkRuleEdit, putRule, validateSiteDocument } from './site-edits.ts';
import { siteFileSchema } from './site-schema.ts';

const sut = siteFileSchema.parse({
  site: { id: 's', name: '测试' },
  people: [{ id: 'wang', name: '王', role: 'steward' }],
  grids: [{ id: 'g1', name: '一网格', steward: 'wang' }],
  buildings: [{ id: '1', name: '1栋', kind: 'high-rise', floors: 10, grid: 'g1' }],
  units: [],
});

describe('the rule editor sets dispatch per rule (issue 14)', () => {
  it('sets a rule of the detector, leaves the others, and null returns it to the default', () => {
    const held = putRule(sut, 'low-battery', { site: {}, byUnitType: {}, dispatch: { 'low-battery': { holdMinutes: 60 } } });
    expect(held.workOrders.dispatch).toEqual({ 'low-battery': { holdMinutes: 60 } });
    expect(validateSiteDocument(held, [lowBattery])).toMatchObject({ ok: true });
    expect(putRule(held, 'low-battery', { site: {}, byUnitType: {} }).workOrders.dispatch).toEqual({ 'low-battery': { holdMinutes: 60 } });
    expect(putRule(held, 'low-battery', { site: {}, byUnitType: {}, dispatch: { 'low-battery': null } }).workOrders.dispatch).toEqual({});
    expect(sut.workOrders.dispatch).toEqual({});
  });

  it("refuses a rule that is not the detector's, naming the field", () => {
    expect(checkRuleEdit(lowBattery, { site: {}, byUnitType: {}, dispatch: { 'meter-jump': 'never' } })).toEqual([
      { path: 'dispatch.meter-jump', message: 'not a rule of low-battery (its rules: low-battery)' },
    ]);
  });

  it('the whole document refuses a bad setting with its path', () => {
    const bad = { ...sut, workOrders: { ...sut.workOrders, dispatch: { 'low-battery': { holdMinutes: 0 } } } };
    const checked = validateSiteDocument(bad, [lowBattery]);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.issues.map((i) => i.path)).toEqual(['workOrders.dispatch.low-battery.holdMinutes']);
  });
});
