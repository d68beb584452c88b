import { describe, expect, it } from 'vitest';
import { dailyWindow, localParts, zonedDayStart } from './local-time.ts';

const SH = 'Asia/Shanghai';
const utc = (iso: string) => Date.parse(iso);

describe(dailyWindow.name, () => {
  it.each<[string, string, number, number, string, string, string]>([
    // title, now (UTC), start, end, expected start, expected end (UTC), night
    ['02:00–04:00 Shanghai is 18:00–20:00 UTC the day before', '2026-11-24T17:00:00Z', 2, 4, '2026-11-24T18:00:00Z', '2026-11-24T20:00:00Z', '2026-11-25'],
    ['inside the window, that window', '2026-11-24T19:00:00Z', 2, 4, '2026-11-24T18:00:00Z', '2026-11-24T20:00:00Z', '2026-11-25'],
    ['after the window, the next night', '2026-11-24T20:00:00Z', 2, 4, '2026-11-25T18:00:00Z', '2026-11-25T20:00:00Z', '2026-11-26'],
    [
      '23:00–05:00 crosses midnight: at 01:00 local we are inside the window opened yesterday',
      '2026-11-24T17:00:00Z',
      23,
      5,
      '2026-11-24T15:00:00Z',
      '2026-11-24T21:00:00Z',
      '2026-11-24',
    ],
    ['23:00–05:00 at 22:00 local: the window opening in an hour', '2026-11-24T14:00:00Z', 23, 5, '2026-11-24T15:00:00Z', '2026-11-24T21:00:00Z', '2026-11-24'],
    ['23:00–05:00 at noon local: tonight', '2026-11-24T04:00:00Z', 23, 5, '2026-11-24T15:00:00Z', '2026-11-24T21:00:00Z', '2026-11-24'],
    ['across a month end: 31 Dec 23:00 → 1 Jan 05:00', '2026-12-31T16:30:00Z', 23, 5, '2026-12-31T15:00:00Z', '2026-12-31T21:00:00Z', '2026-12-31'],
  ])('%s', (_title, now, start, end, expectedStart, expectedEnd, night) => {
    expect(dailyWindow(utc(now), start, end, SH)).toEqual({ start: utc(expectedStart), end: utc(expectedEnd), night });
  });

  it('follows a zone with daylight saving (Europe/Berlin, the night the clocks go back)', () => {
    // 25 Oct 2026: CEST (+2) until 03:00, then CET (+1). 02:00–04:00 local spans 00:00Z–03:00Z.
    const w = dailyWindow(utc('2026-10-24T23:00:00Z'), 2, 4, 'Europe/Berlin');
    expect(w.end).toBe(utc('2026-10-25T03:00:00Z'));
  });
});

describe(localParts.name, () => {
  it('gives local wall time in the site zone', () => {
    expect(localParts(utc('2026-11-24T17:30:00Z'), SH)).toMatchObject({ year: 2026, month: 11, day: 25, hour: 1, minute: 30 });
  });
});

describe(zonedDayStart.name, () => {
  it('托管 since 2026-11-01 starts at local midnight (16:00 UTC the day before in Shanghai)', () => {
    expect(zonedDayStart('2026-11-01', SH)).toBe(utc('2026-10-31T16:00:00Z'));
  });
});
