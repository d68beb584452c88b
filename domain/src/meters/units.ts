/**
 * Unit conversion to the canonical units of a Reading (m³ for water, kWh for electricity), and
 * pulse counters. Meters report litres, m³, ×10 L steps (CJ/T 188 unit codes), kWh or Wh; pulse
 * counters report pulses × a per-device factor (L or kWh per pulse). Never assume m³
 * (reference/device-ecosystems.md §6: "Unit codes must be honoured").
 */
export const totalUnits = ['L', 'm3', 'kWh', 'Wh'] as const;
export type TotalUnit = (typeof totalUnits)[number];

const toCanonical: Readonly<Record<TotalUnit, number>> = { L: 0.001, m3: 1, kWh: 1, Wh: 0.001 };

/** `value` in `unit` → m³ (water) or kWh (electricity), after the device's `scale` (firmware ×10 and the like). */
export function canonicalTotal(value: number, unit: TotalUnit, scale = 1): number {
  return Math.round(value * scale * toCanonical[unit] * 1e9) / 1e9;
}

/**
 * A pulse count → canonical total. `pulseFactor` is litres (water) or kWh (electricity) per pulse,
 * as the site file states it per device.
 */
export function pulsesToTotal(pulses: number, pulseFactor: number, kind: 'water' | 'electricity'): number {
  return canonicalTotal(pulses * pulseFactor, kind === 'water' ? 'L' : 'kWh');
}

/** Tasmota's COUNTER is a uint32: it wraps at 2^32 pulses (xsns_01_counter.ino). */
export const UINT32_PULSES = 2 ** 32;

/** Register modulus in canonical units for a pulse counter that wraps at `pulses` pulses: RegisterOptions.rollover. */
export const pulseRollover = (pulseFactor: number, kind: 'water' | 'electricity', pulses = UINT32_PULSES): number => pulsesToTotal(pulses, pulseFactor, kind);
