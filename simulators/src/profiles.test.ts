import { describe, expect, it } from 'vitest';
import { litresDrawn, powerKw, usageProfile } from './profiles.ts';
import { seededRandom } from './random.ts';

/** Litres per local hour over `days` days, stepping like a 5-minute meter. */
function hourly(occupancy: Parameters<typeof usageProfile>[0], unitType: string, days = 30) {
  const random = seededRandom(9);
  const profile = usageProfile(occupancy, unitType);
  const perHour = Array.from({ length: 24 }, () => 0);
  for (let day = 0; day < days; day++)
    for (let h = 0; h < 24; h++) for (let step = 0; step < 12; step++) perHour[h] = (perHour[h] ?? 0) + litresDrawn(profile, h, 300, random) / days;
  return perHour;
}
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe(usageProfile.name, () => {
  it('a lived-in flat uses about 320 L a day, with morning and evening peaks and a dry night', () => {
    const perHour = hourly('occupied', 'high-rise');
    expect(sum(perHour)).toBeGreaterThan(250);
    expect(sum(perHour)).toBeLessThan(400);
    expect(sum(perHour.slice(1, 4))).toBe(0);
    expect(perHour[7]).toBeGreaterThan(2 * (perHour[14] ?? 0));
    expect(perHour[19]).toBeGreaterThan(perHour[3] ?? 0);
  });

  it.each(['vacant', 'custody', 'shop-closed'] as const)('a %s unit uses no water at all', (occupancy) => {
    expect(sum(hourly(occupancy, 'high-rise', 3))).toBe(0);
  });

  it('a shop uses water only in opening hours; decorators only in working hours', () => {
    const shop = hourly('occupied', 'shop', 5);
    expect(sum(shop.slice(21)) + sum(shop.slice(0, 9))).toBe(0);
    expect(sum(shop.slice(9, 21))).toBeGreaterThan(0);
    const decorating = hourly('decorating', 'high-rise', 5);
    expect(decorating[12]).toBe(0);
    expect(decorating[10]).toBeGreaterThan(0);
  });

  it('electricity: a standby floor in a lived-in flat, a small load in custody, none in a vacant flat', () => {
    const random = seededRandom(1);
    expect(powerKw(usageProfile('occupied', 'high-rise'), 3, random)).toBeGreaterThanOrEqual(0.08);
    expect(powerKw(usageProfile('custody', 'high-rise'), 19, random)).toBe(0.01);
    expect(powerKw(usageProfile('vacant', 'high-rise'), 19, random)).toBe(0);
  });
});
