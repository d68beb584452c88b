import { describe, expect, it } from 'vitest';
import { localTimeToEpoch, parseLocalIso } from './clock.ts';

describe(localTimeToEpoch.name, () => {
  it.each<[string, [number, number, number, number, number, number], string, number | undefined]>([
    ['Shanghai is UTC+8 all year', [2026, 1, 8, 14, 30, 0], 'Asia/Shanghai', Date.UTC(2026, 0, 8, 6, 30, 0)],
    ['Berlin in summer is UTC+2', [2026, 7, 1, 12, 0, 0], 'Europe/Berlin', Date.UTC(2026, 6, 1, 10, 0, 0)],
    ['UTC', [2026, 7, 1, 12, 0, 0], 'UTC', Date.UTC(2026, 6, 1, 12, 0, 0)],
    ['31 February is no date', [2026, 2, 31, 0, 0, 0], 'UTC', undefined],
    ['month 13 is no date', [2026, 13, 1, 0, 0, 0], 'UTC', undefined],
    ['an unknown zone', [2026, 1, 1, 0, 0, 0], 'Mars/Olympus', undefined],
  ])('%s', (_title, [y, mo, d, h, mi, s], zone, expected) => {
    expect(localTimeToEpoch(y, mo, d, h, mi, s, zone)).toBe(expected);
  });
});

describe(parseLocalIso.name, () => {
  it('reads Tasmota Time (tasmota/docs Sonoff-Pow-R2.md) in the site zone', () => {
    expect(parseLocalIso('2018-02-15T17:37:10', 'Asia/Shanghai')).toBe(Date.UTC(2018, 1, 15, 9, 37, 10));
  });
  it('refuses what is not a local ISO time', () => {
    expect(parseLocalIso('yesterday', 'UTC')).toBeUndefined();
  });
});
