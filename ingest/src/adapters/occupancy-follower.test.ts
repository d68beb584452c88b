import { indexSite, siteFileSchema, topics } from '@dutyroom/domain';
import { createLogger } from '@dutyroom/platform';
import { describe, expect, it } from 'vitest';
import { createOccupancyFollower } from './occupancy-follower.ts';

const site = () =>
  indexSite(
    siteFileSchema.parse({
      site: { id: 'demo', name: '翠湖花园' },
      people: [{ id: 'wang', name: '王管家', role: 'steward' }],
      grids: [{ id: 'g1', name: '一网格', steward: 'wang' }],
      buildings: [{ id: '1', name: '1栋', kind: 'high-rise', floors: 10, grid: 'g1' }],
      units: [{ id: '1-1-101', building: '1', floor: 1, occupancy: 'occupied', devices: [{ id: 'wm-1', kind: 'water-meter' }] }],
    }),
  );
const edit = (status: string, updatedAt: number, unitId = '1-1-101') =>
  Buffer.from(JSON.stringify({ unitId, status, since: null, startReadings: { waterM3: null, electricityKwh: null }, updatedAt }));
const topic = topics.unitOccupancy('demo', '1-1-101');

describe(createOccupancyFollower.name, () => {
  const log = createLogger('silent');

  it('claims only its own site occupancy topics', () => {
    const sut = createOccupancyFollower(site(), log);
    expect(sut.claims(topic)).toBe(true);
    expect(sut.claims(topics.unitOccupancy('other', '1-1-101'))).toBe(false);
    expect(sut.claims(topics.deviceMessage('demo', 'wm-1', 'reading'))).toBe(false);
  });

  it('applies an edit to the unit its meter belongs to', () => {
    const index = site();
    expect(createOccupancyFollower(index, log).handle(topic, edit('vacant', 1000))).toBe(true);
    expect(index.device('wm-1')?.unit?.occupancy).toBe('vacant');
  });

  it('never lets an older edit (a retained replay) override a newer one', () => {
    const index = site();
    const sut = createOccupancyFollower(index, log);
    sut.handle(topic, edit('vacant', 2000));
    expect(sut.handle(topic, edit('occupied', 1000))).toBe(false);
    expect(index.unit('1-1-101')?.occupancy).toBe('vacant');
  });

  it.each([
    ['not JSON', Buffer.from('{')],
    ['a status that does not exist', edit('haunted', 1000)],
    ['a unit other than the topic names', edit('vacant', 1000, '1-1-999')],
    ['an empty retained payload', Buffer.alloc(0)],
  ])('ignores %s and changes nothing', (_title, payload) => {
    const index = site();
    expect(createOccupancyFollower(index, log).handle(topic, payload)).toBe(false);
    expect(index.unit('1-1-101')?.occupancy).toBe('occupied');
  });
});
