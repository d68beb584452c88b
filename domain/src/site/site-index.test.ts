import { describe, expect, it } from 'vitest';
import { indexSite } from './site-index.ts';
import { siteFileSchema } from './site-schema.ts';

const file = siteFileSchema.parse({
  site: { id: 'demo', name: '翠湖花园' },
  people: [{ id: 'wang', name: '王管家', role: 'steward' }],
  grids: [{ id: 'g1', name: '一网格', steward: 'wang' }],
  buildings: [{ id: '1', name: '1栋', kind: 'high-rise', floors: 10, grid: 'g1' }],
  units: [
    {
      id: '1-1-101',
      building: '1',
      floor: 1,
      occupancy: 'occupied',
      devices: [
        { id: 'wm-1', kind: 'water-meter' },
        { id: 'em-1', kind: 'electricity-meter' },
      ],
    },
    { id: '1-1-102', building: '1', floor: 1, occupancy: 'occupied', devices: [{ id: 'wm-2', kind: 'water-meter' }] },
  ],
});

describe('SiteIndex.applyOccupancy', () => {
  it('judges the unit and every device in it by the edit, and leaves other units alone', () => {
    const sut = indexSite(file);
    const unit = sut.applyOccupancy('1-1-101', { status: 'custody', since: '2026-11-01', startReadings: { waterM3: 12.5, electricityKwh: 830 } });
    expect(unit).toMatchObject({ id: '1-1-101', occupancy: 'custody', occupancySince: '2026-11-01', gridId: 'g1', unitType: 'high-rise' });
    expect(sut.unit('1-1-101')?.occupancy).toBe('custody');
    expect(sut.device('wm-1')?.unit?.occupancy).toBe('custody');
    expect(sut.device('em-1')?.unit?.startReadings).toEqual({ waterM3: 12.5, electricityKwh: 830 });
    expect(sut.devices.find((d) => d.device.id === 'wm-1')?.unit?.occupancy).toBe('custody');
    expect(sut.device('wm-2')?.unit?.occupancy).toBe('occupied');
  });

  it('answers undefined for a unit the site does not have', () => {
    expect(indexSite(file).applyOccupancy('9-9-999', { status: 'vacant', since: undefined, startReadings: undefined })).toBeUndefined();
  });
});
