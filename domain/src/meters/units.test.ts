import { describe, expect, it } from 'vitest';
import { advanceRegister, emptyRegister } from './register.ts';
import { canonicalTotal, pulseRollover, pulsesToTotal, UINT32_PULSES } from './units.ts';

describe(canonicalTotal.name, () => {
  it.each<[string, number, 'L' | 'm3' | 'kWh' | 'Wh', number, number]>([
    ['Zigbee water meter volume in litres (Slacky-DIY) → m³', 123_456, 'L', 1, 123.456],
    ['CJ/T 188 unit code 0x2C is already m³', 12.34, 'm3', 1, 12.34],
    ['Shelly aenergy.total in Wh → kWh', 1520.5, 'Wh', 1, 1.5205],
    ['DL/T 645 XXXXXX.XX kWh stays kWh', 1234.56, 'kWh', 1, 1234.56],
    ['a firmware that reports ×10 is corrected by the device scale', 5000, 'Wh', 0.1, 0.5],
  ])('%s', (_title, value, unit, scale, expected) => {
    expect(canonicalTotal(value, unit, scale)).toBe(expected);
  });
});

describe(pulsesToTotal.name, () => {
  it('water pulses × litres per pulse → m³; electricity pulses × kWh per pulse → kWh', () => {
    expect(pulsesToTotal(1234, 10, 'water')).toBe(12.34);
    expect(pulsesToTotal(1600, 0.000625, 'electricity')).toBe(1);
  });

  it('a Tasmota uint32 COUNTER wrapping at 2^32 is a rollover in canonical units, not a reset', () => {
    const rollover = pulseRollover(1, 'water');
    expect(rollover).toBe(UINT32_PULSES / 1000);
    const state = emptyRegister();
    advanceRegister(state, pulsesToTotal(UINT32_PULSES - 5, 1, 'water'), 0 + 1, { rollover, maxPerHour: 50 });
    expect(advanceRegister(state, pulsesToTotal(15, 1, 'water'), 60_001, { rollover, maxPerHour: 50 })).toEqual({ kind: 'rollover', delta: 0.02, ms: 60_000 });
  });
});
