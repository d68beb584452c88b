import { describe, expect, it } from 'vitest';
import { vacantUnitWater } from '../detectors/vacant-unit-water.ts';
import { diffSites } from './site-diff.ts';
import { SiteEditNotFound, validateSiteDocument } from './site-edits.ts';
import { placeReferences, putArea, putBuilding, putUnit, removePlace, restoreSite } from './site-places.ts';
import { siteFileSchema } from './site-schema.ts';

const sut = siteFileSchema.parse({
  site: { id: 's', name: '测试' },
  people: [{ id: 'wang', name: '王', role: 'steward' }],
  grids: [
    { id: 'g1', name: '一网格', steward: 'wang' },
    { id: 'g2', name: '二网格', steward: 'wang' },
  ],
  buildings: [
    { id: '1', name: '1栋', kind: 'high-rise', floors: 10, grid: 'g1', devices: [{ id: 'gw-1', kind: 'gateway' }] },
    { id: 'v1', name: '1号别墅', kind: 'villa', floors: 3, grid: 'g2' },
  ],
  units: [
    { id: '1-101', building: '1', floor: 1, occupancy: 'occupied', keyHeld: true, devices: [{ id: 'wm-1-101', kind: 'water-meter' }] },
    { id: '1-102', building: '1', floor: 1, occupancy: 'occupied' },
  ],
  areas: [{ id: 'gate-n', name: '北门', kind: 'gate', grid: 'g1', devices: [{ id: 'ac-n', kind: 'access-reader' }] }],
});
const valid = (site: unknown) => validateSiteDocument(site, [vacantUnitWater]);

describe('places edits', () => {
  it('adds a villa building and a unit in it; the new unit starts vacant without key, owner or devices', () => {
    const withVilla = putBuilding(sut, 'v2', { building: { name: '2号别墅', kind: 'villa', floors: 3, grid: 'g2' } });
    const next = putUnit(withVilla, 'v2-1', { unit: { building: 'v2', floor: 1 } });
    const checked = valid(next);
    expect(checked.ok).toBe(true);
    expect(next.units.find((u) => u.id === 'v2-1')).toEqual({
      id: 'v2-1',
      building: 'v2',
      floor: 1,
      keyHeld: false,
      devices: [],
      occupancy: { status: 'vacant' },
    });
    expect(diffSites(sut, next)).toMatchObject({ buildings: { added: ['v2'] }, units: { added: ['v2-1'] } });
  });

  it('changing a unit keeps its facts and devices; grid null drops the override', () => {
    const moved = putUnit(sut, '1-101', { unit: { building: '1', floor: 2, grid: 'g2' } });
    expect(moved.units[0]).toMatchObject({ floor: 2, grid: 'g2', keyHeld: true, occupancy: { status: 'occupied' } });
    expect(moved.units[0]?.devices.map((d) => d.id)).toEqual(['wm-1-101']);
    const back = putUnit(moved, '1-101', { unit: { building: '1', floor: 2, grid: null } });
    expect(back.units[0]).not.toHaveProperty('grid');
  });

  it('a unit above its building’s floors fails the document check with the field named', () => {
    const checked = valid(putUnit(sut, '1-2001', { unit: { building: '1', floor: 20 } }));
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues).toContainEqual({ path: 'units.2.floor', message: 'building "1" has 10 floors' });
  });

  it('changing a building or an area keeps its devices; an area’s building can be dropped', () => {
    const b = putBuilding(sut, '1', { building: { name: '一栋', kind: 'shop', floors: 2, grid: 'g2' } });
    expect(b.buildings[0]).toMatchObject({ name: '一栋', kind: 'shop', devices: [{ id: 'gw-1' }] });
    const a = putArea(putArea(sut, 'gate-n', { area: { name: '北门', kind: 'gate', grid: 'g2', building: '1' } }), 'gate-n', {
      area: { name: '北大门', kind: 'gate', grid: 'g2', building: null },
    });
    expect(a.areas[0]).toEqual({ id: 'gate-n', name: '北大门', kind: 'gate', grid: 'g2', devices: [{ id: 'ac-n', kind: 'access-reader' }] });
  });
});

describe(placeReferences.name, () => {
  it('names the devices and the open work orders on a unit', () => {
    expect(
      placeReferences(sut, 'unit', '1-101', [
        { id: '7', placeId: '1-101' },
        { id: '8', placeId: '1-102' },
      ]),
    ).toEqual(['devices wm-1-101', 'open work orders #7']);
  });
  it('names the units, areas and devices of a building', () => {
    const withArea = putArea(sut, 'pr', { area: { name: '水泵房', kind: 'plant-room', grid: 'g1', building: '1' } });
    expect(placeReferences(withArea, 'building', '1', [])).toEqual(['devices gw-1', 'units 1-101, 1-102', 'public areas pr']);
  });
  it('is empty for a place nothing refers to, and removing it then gives a valid document', () => {
    expect(placeReferences(sut, 'unit', '1-102', [])).toEqual([]);
    expect(placeReferences(sut, 'building', 'v1', [])).toEqual([]);
    const next = removePlace(removePlace(sut, 'unit', '1-102'), 'building', 'v1');
    expect(valid(next).ok).toBe(true);
    expect(diffSites(sut, next)).toMatchObject({ units: { removed: ['1-102'] }, buildings: { removed: ['v1'] } });
  });
  it('a place the document does not have is not found', () => {
    expect(() => placeReferences(sut, 'area', 'nope', [])).toThrow(SiteEditNotFound);
  });
});

describe(restoreSite.name, () => {
  it('gives the older document back as it was, and refuses another site’s document', () => {
    const later = removePlace(sut, 'unit', '1-102');
    const restored = restoreSite(later, sut);
    expect(restored).toEqual(sut);
    expect(restored).not.toBe(sut);
    expect(() => restoreSite(later, { ...sut, site: { ...sut.site, id: 'other' } })).toThrow(/site "other"/);
  });
});
