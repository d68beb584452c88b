import { describe, expect, it } from 'vitest';
import type { Roster } from '../access/coverage.ts';
import { indexSite } from '../site/site-index.ts';
import { siteFileSchema } from '../site/site-schema.ts';
import { gridOfAnomaly, routeAnomaly } from './routing.ts';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);
const site = indexSite(
  siteFileSchema.parse({
    site: { id: 's1', name: 'S' },
    people: [
      { id: 'wang', name: '王', role: 'steward' },
      { id: 'li', name: '李', role: 'steward' },
    ],
    grids: [
      { id: 'g1', name: '一', steward: 'wang' },
      { id: 'g2', name: '二', steward: 'li' },
    ],
    onDuty: 'li',
    buildings: [{ id: '1', name: '1栋', kind: 'high-rise', floors: 3, grid: 'g1', devices: [{ id: 'fp-1', kind: 'fire-panel' }] }],
    units: [{ id: '1-101', building: '1', floor: 1, occupancy: 'vacant', grid: 'g2', devices: [{ id: 'wm-1', kind: 'water-meter' }] }],
    areas: [{ id: 'gate', name: '东门', kind: 'gate', grid: 'g2', devices: [{ id: 'door-1', kind: 'door-contact' }] }],
  }),
);
const roster = (offDuty: string[] = []): Roster => ({
  grids: [
    { id: 'g1', stewardId: 'wang' },
    { id: 'g2', stewardId: 'li' },
  ],
  shifts: [],
  defaultOnDuty: 'li',
  offDuty: new Set(offDuty),
});
const webhooks = [
  { id: 'wecom', platform: 'wecom' as const, url: 'https://example.invalid/w', severities: ['P1' as const, 'P2' as const] },
  { id: 'ding', platform: 'dingtalk' as const, url: 'https://example.invalid/d', secret: 'SEC1', severities: ['P1' as const] },
];

describe(gridOfAnomaly.name, () => {
  it.each([
    ['a unit overrides its building grid', { unitId: '1-101', deviceId: 'wm-1' }, 'g2'],
    ['a public-area device routes by its area', { unitId: null, deviceId: 'door-1' }, 'g2'],
    ['a building device routes by its building', { unitId: null, deviceId: 'fp-1' }, 'g1'],
    ['unknown unit and device: no grid', { unitId: 'x', deviceId: 'y' }, null],
  ] as const)('%s', (_t, a, grid) => {
    expect(gridOfAnomaly(site, a)).toBe(grid);
  });
});

describe(routeAnomaly.name, () => {
  const anomaly = (severity: 'P1' | 'P2' | 'P3', drill = false) => ({ unitId: '1-101', deviceId: 'wm-1', severity, drill });
  it.each([
    ['the grid steward on duty', anomaly('P2'), 'g1', roster(), { personId: 'wang', standIn: false }, ['wecom']],
    ['the on-duty steward for an off-duty grid steward', anomaly('P1'), 'g1', roster(['wang']), { personId: 'li', standIn: true }, ['wecom', 'ding']],
    ['P3 reaches no group robot', anomaly('P3'), 'g2', roster(), { personId: 'li', standIn: false }, []],
    ['a drill never pages outside the site', anomaly('P1', true), 'g2', roster(), { personId: 'li', standIn: false }, []],
    ['no grid: only the control room', anomaly('P2'), null, roster(), undefined, ['wecom']],
  ] as const)('%s', (_t, a, grid, r, steward, hooks) => {
    const route = routeAnomaly(a, grid, r, webhooks, T0);
    expect(route.steward).toEqual(steward);
    expect(route.controlRoom).toBe(true);
    expect(route.webhooks.map((w) => w.id)).toEqual(hooks);
  });
});
