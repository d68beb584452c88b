import { describe, expect, it } from 'vitest';
import type { DeviceContext } from '../site/site-index.ts';
import { normalizeNativeReading } from './native.ts';

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const water = (extra: Partial<DeviceContext['device']> = {}): DeviceContext => ({
  siteId: 'demo',
  device: { id: 'wm-1', kind: 'water-meter', ...extra },
  kind: 'water-meter',
  unit: undefined,
  areaId: undefined,
  buildingId: '1',
  gridId: 'g1',
});
const electricity: DeviceContext = { ...water(), device: { id: 'em-1', kind: 'electricity-meter' }, kind: 'electricity-meter' };

describe(normalizeNativeReading.name, () => {
  it.each<[string, unknown, DeviceContext, number]>([
    ['m³ total stays m³', { ts: NOW, total: 12.5, unit: 'm3' }, water(), 12.5],
    ['litres become m³', { ts: NOW, total: 12500, unit: 'L' }, water(), 12.5],
    ['water without a unit is m³', { ts: NOW, total: 3 }, water(), 3],
    ['the site file can say a device reports litres', { ts: NOW, total: 3000 }, water({ totalUnit: 'L' }), 3],
    ['pulses × litres per pulse', { ts: NOW, pulses: 1234 }, water({ pulseFactor: 10 }), 12.34],
    ['Wh become kWh', { ts: NOW, total: 1500, unit: 'Wh' }, electricity, 1.5],
    ['an ISO timestamp with offset', { ts: '2026-11-24T16:00:00+08:00', total: 1 }, water(), 1],
  ])('%s', (_title, payload, device, expected) => {
    const result = normalizeNativeReading(payload, device, NOW);
    expect(result.ok && 'value' in result.value && result.value.value).toBeCloseTo(expected, 9);
  });

  it.each<[string, unknown, DeviceContext, string]>([
    ['a negative total', { ts: NOW, total: -1 }, water(), 'schema'],
    ['NaN sent as a string', { ts: NOW, total: 'NaN' }, water(), 'schema'],
    ['both total and pulses', { ts: NOW, total: 1, pulses: 2 }, water({ pulseFactor: 1 }), 'schema'],
    ['neither total nor pulses', { ts: NOW }, water(), 'schema'],
    ['an unknown field', { ts: NOW, total: 1, colour: 'red' }, water(), 'schema'],
    ['a timestamp without an offset', { ts: '2026-11-24T16:00:00', total: 1 }, water(), 'schema'],
    ['kWh from a water meter', { ts: NOW, total: 1, unit: 'kWh' }, water(), 'schema'],
    ['pulses without a pulse factor', { ts: NOW, pulses: 5 }, water(), 'device-config'],
    ['not an object', [1, 2], water(), 'schema'],
  ])('rejects %s', (_title, payload, device, reason) => {
    const result = normalizeNativeReading(payload, device, NOW);
    expect(result.ok ? 'accepted' : result.rejection.reason).toBe(reason);
  });

  it('keeps the device time unless it is absurd, and always the receive time', () => {
    const ok = normalizeNativeReading({ ts: NOW - 60_000, total: 1 }, water(), NOW);
    const future = normalizeNativeReading({ ts: NOW + 3_600_000, total: 1 }, water(), NOW);
    expect(ok.ok && [ok.value.ts, ok.value.receivedAt]).toEqual([NOW - 60_000, NOW]);
    expect(future.ok && [future.value.ts, future.value.deviceTs]).toEqual([NOW, NOW + 3_600_000]);
  });

  it('gives a redelivered message the same idempotency key', () => {
    const a = normalizeNativeReading({ ts: NOW, total: 1, seq: 7 }, water(), NOW);
    const b = normalizeNativeReading({ ts: NOW, total: 1, seq: 7 }, water(), NOW + 5000);
    expect(a.ok && b.ok && a.value.idempotencyKey === b.value.idempotencyKey).toBe(true);
  });
});
