import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSiteFile, SiteFileError } from './site-file.ts';

const valid = `site: { id: s1, name: 小区 }
people:
  - { id: wang, name: 王管家, role: steward }
grids:
  - { id: g1, name: 一网格, steward: wang }
buildings:
  - { id: "1", name: 1栋, kind: high-rise, floors: 5, grid: g1 }
units:
  - id: 1-1-101
    building: "1"
    floor: 1
    occupancy: vacant
`;

const problems = (text: string): string[] => {
  try {
    parseSiteFile(text, 'site.yaml');
  } catch (error) {
    if (error instanceof SiteFileError) return [...error.problems];
    throw error;
  }
  return [];
};

describe(parseSiteFile.name, () => {
  it('loads the demo site that ships with the project', () => {
    const site = parseSiteFile(readFileSync(new URL('../../sites/demo.yaml', import.meta.url), 'utf8'));
    expect(site.units.length).toBeGreaterThanOrEqual(200);
    expect(new Set(site.units.map((u) => u.occupancy.status))).toEqual(new Set(['occupied', 'vacant', 'custody', 'decorating', 'shop-closed']));
    expect(site.units.every((u) => u.devices.some((d) => d.kind === 'water-meter') && u.devices.some((d) => d.kind === 'electricity-meter'))).toBe(true);
  });

  it('accepts a minimal site and fills defaults', () => {
    expect(problems(valid)).toEqual([]);
    expect(parseSiteFile(valid).site.timezone).toBe('Asia/Shanghai');
  });

  it('points at the line, column and field of a wrong value', () => {
    expect(problems(valid.replace('occupancy: vacant', 'occupancy: empty'))).toEqual([
      'site.yaml:12:16: units.0.occupancy: one of occupied, vacant, custody, decorating, shop-closed, or { status, since, startReadings }',
    ]);
  });

  it('points at the parent of a missing field', () => {
    expect(problems(valid.replace('    floor: 1\n', ''))).toEqual([expect.stringMatching(/^site\.yaml:9:5: units\.0\.floor: /)]);
  });

  it('checks references between sections', () => {
    expect(problems(valid.replace('steward: wang', 'steward: nobody'))).toEqual(['site.yaml:5:35: grids.0.steward: no person "nobody" in people']);
    expect(problems(valid.replace('building: "1"', 'building: "9"'))).toEqual(['site.yaml:10:15: units.0.building: no building "9"']);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problems('site: { id: s1\npeople: [')[0]).toMatch(/^site\.yaml:\d+:\d+: /);
  });
});
