import type { OccupancyStatus } from '@dutyroom/domain';

/**
 * Daily consumption profiles per occupancy. Households use water in draws (a shower, a flush, a
 * sink) that cluster in a morning and an evening peak and stop at night; the fridge and standby
 * loads keep electricity above zero in a lived-in flat. Empty units use nothing; custody units
 * (托管) a small standby load; shops use water and power in opening hours.
 */

/** Relative use per local hour: morning and evening peaks, nights near zero. */
export const HOUSEHOLD_HOURS = [0.02, 0, 0, 0, 0.01, 0.1, 0.6, 1, 0.8, 0.4, 0.3, 0.4, 0.6, 0.4, 0.3, 0.3, 0.4, 0.7, 1, 0.9, 0.8, 0.6, 0.3, 0.08];
/** Shops open 09:00–21:00. */
export const SHOP_HOURS = HOUSEHOLD_HOURS.map((_, h) => (h >= 9 && h < 21 ? (h >= 11 && h < 14 ? 1 : 0.6) : 0));
/** Decorators work 08:00–18:00 with a lunch break. */
export const WORK_HOURS = HOUSEHOLD_HOURS.map((_, h) => (h >= 8 && h < 18 && h !== 12 ? 1 : 0));

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export interface UsageProfile {
  /** Litres per day on an average day. */
  readonly litresPerDay: number;
  /** Average litres of one draw. */
  readonly litresPerDraw: number;
  readonly waterHours: readonly number[];
  /** Always-on load, kW (fridge, router, standby). */
  readonly baseKw: number;
  /** Extra load at the peak hour, kW. */
  readonly peakKw: number;
  readonly powerHours: readonly number[];
}

const NONE: UsageProfile = { litresPerDay: 0, litresPerDraw: 1, waterHours: HOUSEHOLD_HOURS, baseKw: 0, peakKw: 0, powerHours: HOUSEHOLD_HOURS };

export function usageProfile(occupancy: OccupancyStatus | 'public', unitType: string): UsageProfile {
  if (occupancy === 'public') return { ...NONE, litresPerDay: 60_000, litresPerDraw: 200, waterHours: HOUSEHOLD_HOURS };
  switch (occupancy) {
    case 'occupied':
      return unitType === 'shop'
        ? { litresPerDay: 400, litresPerDraw: 8, waterHours: SHOP_HOURS, baseKw: 0.3, peakKw: 3, powerHours: SHOP_HOURS }
        : {
            litresPerDay: unitType === 'villa' ? 700 : 320,
            litresPerDraw: 6,
            waterHours: HOUSEHOLD_HOURS,
            baseKw: 0.08,
            peakKw: unitType === 'villa' ? 3 : 1.6,
            powerHours: HOUSEHOLD_HOURS,
          };
    case 'decorating':
      return { litresPerDay: 150, litresPerDraw: 15, waterHours: WORK_HOURS, baseKw: 0, peakKw: 2.5, powerHours: WORK_HOURS };
    case 'custody':
      return { ...NONE, baseKw: 0.01 };
    case 'vacant':
    case 'shop-closed':
      return NONE;
  }
}

/**
 * Litres drawn in `seconds` starting at local `hour`: draws arrive at random with the hour's
 * rate; a long step (a 15-minute meter interval) sums many draws around their mean.
 */
export function litresDrawn(profile: UsageProfile, hour: number, seconds: number, random: () => number): number {
  const weight = (profile.waterHours[hour] ?? 0) / sum(profile.waterHours);
  const meanLitres = profile.litresPerDay * weight * (seconds / 3600);
  if (meanLitres <= 0) return 0;
  const draws = meanLitres / profile.litresPerDraw;
  if (draws < 1) return random() < draws ? profile.litresPerDraw * (0.5 + random()) : 0;
  return meanLitres * (0.6 + 0.8 * random());
}

/** Average power in kW over a step starting at local `hour`. */
export function powerKw(profile: UsageProfile, hour: number, random: () => number): number {
  const peakShare = profile.powerHours[hour] ?? 0;
  return profile.baseKw + profile.peakKw * peakShare * (0.5 + random());
}
