import { describe, expect, it } from 'vitest';
import { vacantUnitWater } from '../detectors/vacant-unit-water.ts';
import { canonicalJson, diffSites, isEmptyDiff } from './site-diff.ts';
import { checkRuleEdit, putDevice, putGrid, putRule, putUnitFacts, removeDevice, SiteEditNotFound, validateSiteDocument } from './site-edits.ts';
import { siteFileSchema } from './site-schema.ts';

const sut = siteFileSchema.parse({
  site: { id: 's', name: '测试' },
  people: [
    { id: 'wang', name: '王', role: 'steward' },
    { id: 'li', name: '李', role: 'steward' },
  ],
  grids: [{ id: 'g1', name: '一网格', steward: 'wang' }],
  buildings: [{ id: '1', name: '1栋', kind: 'high-rise', floors: 10, grid: 'g1', devices: [{ id: 'gw-1', kind: 'gateway' }] }],
  units: [
    { id: '1-101', building: '1', floor: 1, occupancy: 'vacant', devices: [{ id: 'wm-1-101', kind: 'water-meter' }] },
    { id: '1-102', building: '1', floor: 1, occupancy: 'occupied' },
  ],
  rules: { 'vacant-unit-water': { thresholdLitres: 20 } },
});

describe(diffSites.name, () => {
  it('is empty for the same document, whatever the key order', () => {
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverseKeys)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reverseKeys(v)]),
            )
          : value;
    const reordered = reverseKeys(sut) as typeof sut;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(sut));
    expect(isEmptyDiff(diffSites(sut, reordered))).toBe(true);
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe(canonicalJson({ a: [2, { c: 2, d: 1 }], b: 1 }));
    expect(isEmptyDiff(diffSites(sut, putUnitFacts(sut, '1-102', { keyHeld: true })))).toBe(false);
  });

  it('names what is added, changed and removed, devices apart from their holders', () => {
    let next = putDevice(sut, { holder: { type: 'unit', id: '1-102' }, device: { id: 'em-1-102', kind: 'electricity-meter', gateway: 'gw-1' } });
    next = removeDevice(next, 'wm-1-101');
    next = putUnitFacts(next, '1-101', { keyHeld: true });
    next = putRule(next, 'vacant-unit-water', { site: {}, byUnitType: { shop: { thresholdLitres: 5 } } });
    next = putGrid(next, 'g2', { grid: { name: '二网格', steward: 'li' }, units: ['1-102'] });
    const diff = diffSites(sut, next);
    expect(diff).toEqual({
      buildings: { added: [], changed: [], removed: [] },
      units: { added: [], changed: ['1-101', '1-102'], removed: [] },
      areas: { added: [], changed: [], removed: [] },
      devices: { added: ['em-1-102'], changed: [], removed: ['wm-1-101'] },
      grids: { added: ['g2'], changed: [], removed: [] },
      people: { added: [], changed: [], removed: [] },
      rules: { added: ['shop/vacant-unit-water'], changed: [], removed: ['vacant-unit-water'] },
      settingsChanged: false,
    });
    expect(validateSiteDocument(next, [vacantUnitWater])).toMatchObject({ ok: true });
  });

  it('shows a device moved to another unit as changed', () => {
    const moved = putDevice(sut, { holder: { type: 'unit', id: '1-102' }, device: { id: 'wm-1-101', kind: 'water-meter' } });
    expect(diffSites(sut, moved).devices).toEqual({ added: [], changed: ['wm-1-101'], removed: [] });
    expect(moved.units.map((u) => u.devices.map((d) => d.id))).toEqual([[], ['wm-1-101']]);
  });
});

describe('site edits', () => {
  it('never change the document they are given', () => {
    const before = canonicalJson(sut);
    putDevice(sut, { holder: { type: 'unit', id: '1-101' }, device: { id: 'wm-1-101', kind: 'water-meter', hasValve: true } });
    putGrid(sut, 'g1', { grid: { name: 'x', steward: 'li' }, units: ['1-101'] });
    expect(canonicalJson(sut)).toBe(before);
  });

  it('refuse a holder, unit or device the document does not have', () => {
    expect(() => putDevice(sut, { holder: { type: 'area', id: 'gate' }, device: { id: 'x', kind: 'door-contact' } })).toThrow(SiteEditNotFound);
    expect(() => removeDevice(sut, 'nope')).toThrow('no device "nope"');
    expect(() => putUnitFacts(sut, '9-999', { keyHeld: true })).toThrow('no unit "9-999"');
  });

  it('a grid takes the listed units over their building and gives back those no longer listed', () => {
    const taken = putGrid(sut, 'g2', { grid: { name: '二网格', steward: 'li' }, units: ['1-101'] });
    expect(taken.units.find((u) => u.id === '1-101')?.grid).toBe('g2');
    const given = putGrid(taken, 'g2', { grid: { name: '二网格', steward: 'li' }, units: [] });
    expect(given.units.find((u) => u.id === '1-101')?.grid).toBeUndefined();
  });

  it('an owner is set, and removed with null', () => {
    const owned = putUnitFacts(sut, '1-102', { owner: { name: '赵', phone: '13800000000', contactHours: '18:00-21:00' } });
    expect(owned.units[1]?.owner).toEqual({ name: '赵', phone: '13800000000', contactHours: '18:00-21:00' });
    expect(putUnitFacts(owned, '1-102', { owner: null }).units[1]?.owner).toBeUndefined();
  });
});

describe(validateSiteDocument.name, () => {
  it('reports every schema and cross-reference issue with its path', () => {
    const broken = putDevice(sut, { holder: { type: 'unit', id: '1-101' }, device: { id: 'wm-1-102', kind: 'water-meter', gateway: 'gw-9' } });
    const result = validateSiteDocument({ ...broken, grids: [{ id: 'g1', name: '一网格', steward: 'nobody' }] }, [vacantUnitWater]);
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'grids.0.steward', message: 'no person "nobody" in people' },
        { path: 'units.0.devices.1.gateway', message: 'no gateway device "gw-9"' },
      ],
    });
  });

  it('checks the rules with each detector’s configSchema', () => {
    const result = validateSiteDocument(putRule(sut, 'vacant-unit-water', { site: { thresholdLitres: -3 }, byUnitType: {} }), [vacantUnitWater]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.message).toContain('vacant-unit-water.thresholdLitres');
  });
});

describe(checkRuleEdit.name, () => {
  it('names the form’s field: site.<field> and byUnitType.<type>.<field>', () => {
    expect(checkRuleEdit(vacantUnitWater, { site: { thresholdLitres: 15 }, byUnitType: { villa: { thresholdLitres: 0 } } })).toEqual([
      { path: 'byUnitType.villa.thresholdLitres', message: expect.any(String) },
    ]);
    expect(checkRuleEdit(vacantUnitWater, { site: { thresholdLitres: 15 }, byUnitType: {} })).toEqual([]);
  });
});
