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

describe('localParts with cached offsets', () => {
  const made = new Map<string, Intl.DateTimeFormat>();
  const intl = (ts: number, timeZone: string) => {
    const f =
      made.get(timeZone) ??
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    made.set(timeZone, f);
    const p = Object.fromEntries(
      f
        .formatToParts(ts)
        .filter((x) => x.type !== 'literal')
        .map((x) => [x.type, Number(x.value)]),
    );
    return { year: p['year'], month: p['month'], day: p['day'], hour: p['hour'], minute: p['minute'], second: p['second'] };
  };
  it.each<[string, string, string]>([
    // title, zone, instant (UTC): each side of a transition, and zones whose offsets are not whole hours
    ['Berlin, a second before the clocks go back', 'Europe/Berlin', '2026-10-25T00:59:59Z'],
    ['Berlin, the instant they go back', 'Europe/Berlin', '2026-10-25T01:00:00Z'],
    ['Berlin, a second before they go forward', 'Europe/Berlin', '2026-03-29T00:59:59Z'],
    ['Berlin, the instant they go forward', 'Europe/Berlin', '2026-03-29T01:00:00Z'],
    ['New York, the instant the clocks go back', 'America/New_York', '2026-11-01T06:00:00Z'],
    ['Lord Howe: a half-hour DST shift', 'Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
    ['Lord Howe, a second before it', 'Australia/Lord_Howe', '2026-04-04T14:59:59Z'],
    ['Kolkata, +05:30', 'Asia/Kolkata', '2026-11-24T18:29:59Z'],
    ['Kathmandu, +05:45', 'Asia/Kathmandu', '2026-11-24T18:14:59Z'],
    ['Shanghai, milliseconds are truncated', 'Asia/Shanghai', '2026-11-24T15:59:59.999Z'],
    ['before 1970', 'Asia/Shanghai', '1969-12-31T15:59:59Z'],
  ])('%s: as Intl formats it', (_title, zone, iso) => {
    const ts = Date.parse(iso);
    // Twice: the first call fills the cache, the second reads it.
    expect(localParts(ts, zone)).toEqual(intl(ts, zone));
    expect(localParts(ts, zone)).toEqual(intl(ts, zone));
  });

  it('agrees with Intl every 37 minutes 13 seconds through a year of Berlin and Lord Howe', () => {
    const from = Date.parse('2026-01-01T00:00:00Z');
    for (const zone of ['Europe/Berlin', 'Australia/Lord_Howe']) {
      for (let ts = from; ts < from + 366 * 86_400_000; ts += 2_233_000) {
        const got = localParts(ts, zone);
        const want = intl(ts, zone);
        if (got.hour !== want.hour || got.day !== want.day || got.minute !== want.minute) expect({ ts, zone, got }).toEqual({ ts, zone, got: want });
      }
    }
  });
});
