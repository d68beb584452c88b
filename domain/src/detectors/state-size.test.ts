import { describe, expect, it } from 'vitest';
import type { ReadingBody } from '../model/reading.ts';
import type { AnyDetector } from './detector.ts';
import { detectors } from './index.ts';
import { GATEWAY_OFFLINE_RULE } from './rule-ids.ts';
import { jsonBytes, play, type Step, T0, unitDevice } from './testing.ts';

/**
 * State budgets (detector.ts: plain JSON, ≤ 1 KiB; meter rules aim at ≤ 200 B because the
 * benchmark holds 100,000 meters). A day of readings every 30 s, with a leak, a meter reset and a
 * rollover in it, then the JSON size of every state the meter left behind.
 */
const DAY_STEPS = 2880;

function meterDay(kind: 'water.total' | 'electricity.total'): Step[] {
  let total = 999_990;
  return Array.from({ length: DAY_STEPS }, (_, i) => {
    if (i === 1000) total = 3; // replaced meter
    total = kind === 'water.total' && i > 2000 ? total + 0.004 : total + 0.001; // a leak in the evening
    if (total >= 1_000_000) total -= 1_000_000;
    const body: ReadingBody = { kind, value: Math.round(total * 1000) / 1000 };
    return [T0 + i * 30_000, i % 97 === 0 ? 'tick' : body] as const;
  });
}

function statesOf(
  sut: AnyDetector,
  steps: Step[],
  device = unitDevice('water-meter', {
    occupancy: 'custody',
    unit: { occupancySince: '2026-11-01', startReadings: { waterM3: 999_980, electricityKwh: 999_980 } },
  }),
) {
  return [...play(sut, sut.configSchema.parse({}), device, steps).states.values()];
}

describe('detector state size', () => {
  // Gateways are not meters: gateway-offline keeps no state for one.
  const meterRules = detectors.filter((d) => d.id !== GATEWAY_OFFLINE_RULE);

  it.each(meterRules.filter((d) => d.appliesTo.includes('water.total')).map((d) => [d.id, d] as const))(
    '%s: a water meter’s state stays ≤ 200 B after a day',
    (_id, sut) => {
      const states = statesOf(sut, meterDay('water.total'));
      expect(states.length).toBeGreaterThan(0);
      for (const state of states) expect(jsonBytes(state)).toBeLessThanOrEqual(200);
    },
  );

  it.each(meterRules.filter((d) => d.appliesTo.includes('electricity.total')).map((d) => [d.id, d] as const))(
    '%s: an electricity meter’s state stays ≤ 200 B after a day',
    (_id, sut) => {
      const states = statesOf(sut, meterDay('electricity.total'), unitDevice('electricity-meter', { occupancy: 'vacant' }));
      expect(states.length).toBeGreaterThan(0);
      for (const state of states) expect(jsonBytes(state)).toBeLessThanOrEqual(200);
    },
  );

  it('a water meter costs well under 1 KiB of state across every rule that watches it, its one register included', () => {
    const register = jsonBytes({ total: 999_999.999, ts: T0 });
    const total = detectors.reduce((sum, d) => sum + statesOf(d, meterDay('water.total')).reduce((s, state) => s + jsonBytes(state), 0), register);
    expect(total).toBeLessThan(1024);
  });

  it('meter-register keeps no state of its own: it judges the meter’s shared register', () => {
    const sut = detectors.find((d) => d.id === 'meter-register') as AnyDetector;
    for (const state of statesOf(sut, meterDay('water.total'))) expect(state).toEqual({});
  });
});
