import type { SiteMapBuilding } from '@dutyroom/domain';
import { describe, expect, it } from 'vitest';
import {
  barOf,
  checkShiftForm,
  isCurrent,
  overlapping,
  parseLocal,
  toLocalInput,
  weekDays,
  weekEnd,
  weekStart,
} from '../../console/src/lib/components/admin/roster-week.ts';
import { mapLayout } from '../../console/src/lib/components/site-map/map-layout.ts';

/** The console's pure parts of the roster editor and the site map (no DOM). */

describe('roster week (the site clock, whatever the browser zone)', () => {
  const SH = 'Asia/Shanghai';
  /** Wednesday 2026-11-25 15:30 in Shanghai. */
  const wednesday = Date.UTC(2026, 10, 25, 7, 30);

  it('starts on Monday 00:00 site time and moves by weeks', () => {
    expect(new Date(weekStart(wednesday, SH)).toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(new Date(weekStart(wednesday, SH, -1)).toISOString()).toBe('2026-11-15T16:00:00.000Z');
    // Sunday 23:59 in Shanghai is still that week; Monday 00:00 starts the next.
    expect(weekStart(Date.UTC(2026, 10, 29, 15, 59), SH)).toBe(weekStart(wednesday, SH));
    expect(weekStart(Date.UTC(2026, 10, 29, 16, 0), SH)).toBe(weekStart(wednesday, SH, 1));
    expect(weekDays(weekStart(wednesday, SH), SH).map((d) => new Date(d + 8 * 3_600_000).getUTCDate())).toEqual([23, 24, 25, 26, 27, 28, 29]);
    expect(weekEnd(weekStart(wednesday, SH), SH) - weekStart(wednesday, SH)).toBe(7 * 86_400_000);
  });

  it('keeps local midnights across a DST change (a 167-hour week in Berlin in March)', () => {
    const start = weekStart(Date.UTC(2026, 2, 25, 12), 'Europe/Berlin');
    expect(new Date(start).toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect((weekEnd(start, 'Europe/Berlin') - start) / 3_600_000).toBe(167);
  });

  it('places a shift on the week, clipped to it, and nothing outside it', () => {
    const start = 0;
    const end = 1000;
    expect(barOf({ id: '1', personId: 'li', startsAt: 250, endsAt: 500 }, start, end)).toEqual({ left: 25, width: 25 });
    expect(barOf({ id: '1', personId: 'li', startsAt: -100, endsAt: 100 }, start, end)).toEqual({ left: 0, width: 10 });
    expect(barOf({ id: '1', personId: 'li', startsAt: 1000, endsAt: 2000 }, start, end)).toBeUndefined();
  });

  it('finds overlapping shifts and the current one (end exclusive)', () => {
    const shifts = [
      { id: 'a', personId: 'li', startsAt: 0, endsAt: 10 },
      { id: 'b', personId: 'wang', startsAt: 10, endsAt: 20 },
    ];
    expect(overlapping(shifts, 5, 12).map((s) => s.id)).toEqual(['a', 'b']);
    expect(overlapping(shifts, 10, 12).map((s) => s.id)).toEqual(['b']);
    expect(isCurrent(shifts[0] as (typeof shifts)[number], 10)).toBe(false);
  });

  it('checks the add-shift form, naming every field at fault', () => {
    const people = new Set(['li']);
    expect(checkShiftForm({ personId: '', from: '', to: 'x' }, people, SH)).toEqual({
      ok: false,
      errors: { personId: 'required', from: 'required', to: 'invalid' },
    });
    expect(checkShiftForm({ personId: 'zz', from: '2026-11-25T08:00', to: '2026-11-25T08:00' }, people, SH)).toEqual({
      ok: false,
      errors: { personId: 'unknownPerson', to: 'notAfter' },
    });
    expect(checkShiftForm({ personId: 'li', from: '2026-11-25T08:00', to: '2026-11-25T20:00' }, people, SH)).toEqual({
      ok: true,
      shift: { personId: 'li', startsAt: Date.UTC(2026, 10, 25, 0), endsAt: Date.UTC(2026, 10, 25, 12) },
    });
  });

  it('reads and writes datetime-local values in the site zone, refusing impossible wall times', () => {
    const at = Date.UTC(2026, 0, 1, 19, 4);
    expect(toLocalInput(at, SH)).toBe('2026-01-02T03:04');
    expect(parseLocal(toLocalInput(at, SH), SH)).toBe(at);
    expect(parseLocal('2026-13-45T99:99', SH)).toBeUndefined();
    expect(parseLocal('2026-02-30T08:00', SH)).toBeUndefined();
    expect(parseLocal('yesterday', SH)).toBeUndefined();
    // 02:30 on the morning clocks go forward does not exist in Berlin.
    expect(parseLocal('2026-03-29T02:30', 'Europe/Berlin')).toBeUndefined();
  });
});

describe('roster week over a year of dates (issue 22: nothing may depend on the day it runs)', () => {
  const zones = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Pacific/Auckland', 'Asia/Kolkata'];
  // Every 7 h 13 min across 2026–2027: every weekday, hour and DST change in each zone is hit.
  const step = (7 * 60 + 13) * 60_000;
  const from = Date.UTC(2026, 0, 1);
  const to = Date.UTC(2028, 0, 1);

  it.each(zones)('%s: the week holds the instant, starts on a Monday midnight, has 7 local midnights and chains to the next', (zone) => {
    for (let at = from; at < to; at += step) {
      const start = weekStart(at, zone);
      const end = weekEnd(start, zone);
      expect(start <= at && at < end, `${new Date(at).toISOString()} in ${zone}`).toBe(true);
      const first = toLocalInput(start, zone);
      expect(first.endsWith('T00:00'), first).toBe(true);
      expect(new Date(`${first.slice(0, 10)}T00:00:00Z`).getUTCDay()).toBe(1);
      const days = weekDays(start, zone);
      expect(days).toHaveLength(7);
      for (const [i, d] of days.entries()) {
        expect(toLocalInput(d, zone).endsWith('T00:00')).toBe(true);
        if (i > 0) expect(d - (days[i - 1] as number)).toBeGreaterThanOrEqual(23 * 3_600_000);
      }
      expect(weekStart(at, zone, 1)).toBe(end);
      expect(weekStart(at, zone, -1)).toBe(weekStart(start - 1, zone));
      expect(end - start).toBeGreaterThanOrEqual(167 * 3_600_000);
      expect(end - start).toBeLessThanOrEqual(169 * 3_600_000);
    }
  });

  it.each(zones)('%s: a datetime-local value read back gives the same minute, except in a DST gap', (zone) => {
    for (let at = from; at < to; at += step) {
      const minute = Math.floor(at / 60_000) * 60_000;
      expect(parseLocal(toLocalInput(minute, zone), zone)).toBe(minute);
    }
  });
});

describe('site map layout', () => {
  const building = (id: string, units: [string, number, SiteMapBuilding['units'][number]['occupancy']][]): SiteMapBuilding => ({
    id,
    name: `${id}栋`,
    kind: 'high-rise',
    floors: 2,
    units: units.map(([unitId, floor, occupancy]) => ({ id: unitId, floor, occupancy, openAnomalies: 0, worst: null })),
  });
  const site = [
    building('1', [
      ['1-1-101', 1, 'occupied'],
      ['1-1-102', 1, 'vacant'],
      ['1-1-201', 2, 'custody'],
    ]),
    building('2', [['2-1-101', 1, 'occupied']]),
  ];
  const label = (s: string) => `<${s}>`;

  it('puts the top floor first, classes each cell by occupancy and worst open anomaly, and labels it', () => {
    const [first] = mapLayout(site, '', new Map([['1-1-102', { n: 2, worst: 'P1' as const }]]), label);
    expect(first?.floors.map((f) => [f.floor, f.cells.map((c) => c.short)])).toEqual([
      [2, ['1-201']],
      [1, ['1-101', '1-102']],
    ]);
    expect(first?.floors[1]?.cells[1]).toEqual({
      id: '1-1-102',
      short: '1-102',
      occupancy: 'vacant',
      worst: 'P1',
      className: 'occ-vacant sev-P1',
      label: '1-1-102 <vacant> P1 ×2',
    });
    expect(first?.floors[1]?.cells[0]).toMatchObject({ worst: 'none', className: 'occ-occupied', label: '1-1-101 <occupied>' });
  });

  it('leaves out buildings with no unit matching the filter, keeping the building total', () => {
    const layout = mapLayout(site, '1-1-2', new Map(), label);
    expect(layout.map((b) => [b.id, b.total, b.floors.length])).toEqual([['1', 3, 1]]);
  });

  it('estimates a taller, wider box for more floors and flats (the off-screen size)', () => {
    const [one, two] = mapLayout(site, '', new Map(), label);
    expect(one?.heightRem).toBeGreaterThan(two?.heightRem ?? Infinity);
    expect(one?.widthRem).toBeGreaterThan(two?.widthRem ?? Infinity);
  });
});
