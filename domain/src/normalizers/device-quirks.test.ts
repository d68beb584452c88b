import { describe, expect, it } from 'vitest';
import type { ReadingBody } from '../model/reading.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { SiteDevice } from '../site/site-schema.ts';
import { applyQuirks, DecodeBatch, meterPulses, meterRate, meterTotal } from './device-quirks.ts';

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const ctx = (device: Partial<SiteDevice> & Pick<SiteDevice, 'kind'>): DeviceContext => ({
  siteId: 's',
  device: { id: 'd', ...device },
  kind: device.kind,
  unit: undefined,
  areaId: undefined,
  buildingId: 'b1',
  gridId: 'g1',
});

describe(applyQuirks.name, () => {
  it.each<[string, DeviceContext, ReadingBody, unknown]>([
    ['scale ×0.1 for a firmware that reports ×10', ctx({ kind: 'electricity-meter', scale: 0.1 }), { kind: 'electricity.total', value: 66.5 }, 6.65],
    ['scale 0.001 for Wh sent as kWh', ctx({ kind: 'electricity-meter', scale: 0.001 }), { kind: 'electricity.total', value: 1500 }, 1.5],
    ['invert a leak sensor', ctx({ kind: 'leak-sensor', invert: true }), { kind: 'leak', wet: true }, { kind: 'leak', wet: false }],
    ['invert a door contact', ctx({ kind: 'door-contact', invert: true }), { kind: 'contact', open: false }, { kind: 'contact', open: true }],
    ['invert a stuck gas detector', ctx({ kind: 'gas-detector', invert: true }), { kind: 'gas', event: 'alarm' }, { kind: 'gas', event: 'clear' }],
    ['invert never touches tamper', ctx({ kind: 'leak-sensor', invert: true }), { kind: 'tamper', active: true }, { kind: 'tamper', active: true }],
    ['negative power is export, allowed', ctx({ kind: 'electricity-meter' }), { kind: 'electricity.power', value: -2 }, -2],
  ])('%s', (_title, device, body, expected) => {
    const result = applyQuirks(device, body);
    expect(result.ok && ('value' in result.body ? result.body.value : result.body)).toEqual(expected);
  });

  it.each<[string, ReadingBody]>([
    ['NaN', { kind: 'water.total', value: Number.NaN }],
    ['Infinity', { kind: 'electricity.total', value: Number.POSITIVE_INFINITY }],
    ['a negative volume', { kind: 'water.total', value: -0.5 }],
    ['a negative flow', { kind: 'water.flow', value: -1 }],
    ['a battery above 100 %', { kind: 'battery', percent: 140, low: false }],
  ])('rejects %s as impossible-value', (_title, body) => {
    const result = applyQuirks(ctx({ kind: 'water-meter' }), body);
    expect(result.ok ? 'accepted' : result.rejection.reason).toBe('impossible-value');
  });
});

describe('meter units', () => {
  it.each<[string, ReturnType<typeof meterTotal>, number]>([
    ['litres → m³', meterTotal(ctx({ kind: 'water-meter' }), 12500, 'L'), 12.5],
    ['site-file totalUnit L', meterTotal(ctx({ kind: 'water-meter', totalUnit: 'L' }), 3000), 3],
    ['Wh → kWh', meterTotal(ctx({ kind: 'electricity-meter' }), 1500, 'Wh'), 1.5],
    ['pulses × 10 L', meterPulses(ctx({ kind: 'water-meter', pulseFactor: 10 }), 1234), 12.34],
    ['pulses × 0.001 kWh', meterPulses(ctx({ kind: 'electricity-meter', pulseFactor: 0.001 }), 1600), 1.6],
    ['L/h → m³/h', meterRate(ctx({ kind: 'water-meter' }), 500, 'L/h'), 0.5],
  ])('%s', (_title, result, expected) => {
    expect(result.ok && 'value' in result.body && result.body.value).toBeCloseTo(expected, 9);
  });

  it.each<[string, ReturnType<typeof meterTotal>, string]>([
    ['kWh from a water meter', meterTotal(ctx({ kind: 'water-meter' }), 1, 'kWh'), 'schema'],
    ['a total from a leak sensor', meterTotal(ctx({ kind: 'leak-sensor' }), 1), 'wrong-device-kind'],
    ['pulses without pulseFactor', meterPulses(ctx({ kind: 'water-meter' }), 5), 'device-config'],
  ])('rejects %s', (_title, result, reason) => {
    expect(result.ok ? 'accepted' : result.rejection.reason).toBe(reason);
  });
});

describe(DecodeBatch.name, () => {
  const leak = { ok: true, body: { kind: 'leak', wet: true } } as const;
  it.each<[string, DeviceContext, number | undefined, { ts: number; deviceTs: number } | string]>([
    ['plausible device time is trusted', ctx({ kind: 'leak-sensor' }), NOW - 60_000, { ts: NOW - 60_000, deviceTs: NOW - 60_000 }],
    ['an hour ahead → broker time, device time kept', ctx({ kind: 'leak-sensor' }), NOW + 3_600_000, { ts: NOW, deviceTs: NOW + 3_600_000 }],
    ['30 days behind → broker time', ctx({ kind: 'leak-sensor' }), NOW - 30 * 86_400_000, { ts: NOW, deviceTs: NOW - 30 * 86_400_000 }],
    ['clock: broker ignores a plausible device time', ctx({ kind: 'leak-sensor', clock: 'broker' }), NOW - 60_000, { ts: NOW, deviceTs: NOW - 60_000 }],
    ['clock: device rejects a time in the future', ctx({ kind: 'leak-sensor', clock: 'device' }), NOW + 3_600_000, 'timestamp-future'],
    ['clock: device rejects a time far in the past', ctx({ kind: 'leak-sensor', clock: 'device' }), NOW - 30 * 86_400_000, 'timestamp-past'],
    ['no device time → receive time for both', ctx({ kind: 'leak-sensor' }), undefined, { ts: NOW, deviceTs: NOW }],
  ])('%s', (_title, device, deviceTs, expected) => {
    const batch = new DecodeBatch().add(device, [leak], { deviceTs, receivedAt: NOW, messageId: 'm' });
    const reading = batch.readings[0];
    expect(reading === undefined ? batch.rejections[0]?.reason : { ts: reading.ts, deviceTs: reading.deviceTs }).toEqual(expected);
  });

  it('readings of one message share its key plus their kind', () => {
    const batch = new DecodeBatch().add(ctx({ kind: 'leak-sensor' }), [leak, { ok: true, body: { kind: 'tamper', active: false } }], {
      deviceTs: undefined,
      receivedAt: NOW,
      messageId: 'm1',
    });
    expect(batch.readings.map((r) => r.idempotencyKey)).toEqual(['s/d/m1/leak', 's/d/m1/tamper']);
  });
});
