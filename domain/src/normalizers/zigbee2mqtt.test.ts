import { describe, expect, it } from 'vitest';
import type { SiteDevice } from '../site/site-schema.ts';
import { createMessageDecoder } from './index.ts';
import { siteWith, utf8 } from './test-support.ts';

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const z2m = (id: string, kind: SiteDevice['kind'], address: string, extra: Partial<SiteDevice> = {}): SiteDevice => ({
  id,
  kind,
  source: { ecosystem: 'zigbee2mqtt', address },
  ...extra,
});
const site = siteWith([
  z2m('leak-1', 'leak-sensor', 'kitchen/leak'),
  z2m('leak-tuya', 'leak-sensor', 'tuya leak', { invert: true }),
  z2m('door-1', 'door-contact', 'fire door 3F'),
  z2m('smoke-1', 'smoke-detector', 'smoke', { zone: 'F3' }),
  z2m('gas-1', 'gas-detector', 'gas'),
  z2m('plug-new', 'electricity-meter', 'SP600_NEW'),
  z2m('plug-old', 'electricity-meter', 'SP600_OLD', { scale: 0.1 }),
  z2m('z2m-bridge', 'gateway', 'bridge'),
]);
const decode = createMessageDecoder(site);
const run = (topic: string, payload: string | object) =>
  decode({ topic, payload: utf8(typeof payload === 'string' ? payload : JSON.stringify(payload)), receivedAt: NOW });
const bodies = (topic: string, payload: string | object) =>
  run(topic, payload).readings.map(({ siteId: _s, ts: _t, deviceTs: _d, receivedAt: _r, drill: _dr, idempotencyKey: _k, ...body }) => body);

describe('zigbee2mqtt normalizer', () => {
  it('zigbee2mqtt.io devices/TS0207_water_leak_detector_3 (exposes water_leak, battery_low, battery, tamper): one reading per key', () => {
    expect(bodies('zigbee2mqtt/kitchen/leak', { water_leak: true, battery_low: false, battery: 87, tamper: false, linkquality: 120 })).toEqual([
      { deviceId: 'leak-1', kind: 'leak', wet: true },
      { deviceId: 'leak-1', kind: 'tamper', active: false },
      { deviceId: 'leak-1', kind: 'battery', percent: 87, low: false },
    ]);
  });

  it('Koenkk/zigbee2mqtt #30411: a Tuya leak sensor that reports wet when dry is corrected by invert in the site file', () => {
    expect(bodies('zigbee2mqtt/tuya leak', { water_leak: true })).toEqual([{ deviceId: 'leak-tuya', kind: 'leak', wet: false }]);
  });

  it('herdsman-converters IAS zone: contact true means CLOSED, so open is its negation', () => {
    expect(bodies('zigbee2mqtt/fire door 3F', { contact: true })).toEqual([{ deviceId: 'door-1', kind: 'contact', open: false }]);
    expect(bodies('zigbee2mqtt/fire door 3F', { contact: false })).toEqual([{ deviceId: 'door-1', kind: 'contact', open: true }]);
  });

  it('smoke → fire with the device zone; the smoke self-test (test bit) is a test, not an alarm', () => {
    expect(bodies('zigbee2mqtt/smoke', { smoke: true })).toEqual([{ deviceId: 'smoke-1', kind: 'fire', event: 'alarm', zone: 'F3', point: undefined }]);
    expect(bodies('zigbee2mqtt/smoke', { smoke: true, test: true })).toMatchObject([{ event: 'test' }]);
  });

  it('Koenkk/zigbee2mqtt #5373: a partial update without the gas key yields no gas reading (missing means unknown)', () => {
    expect(bodies('zigbee2mqtt/gas', { gas_density: 0 })).toEqual([{ deviceId: 'gas-1', kind: 'heartbeat' }]);
    expect(bodies('zigbee2mqtt/gas', { gas: true })).toEqual([{ deviceId: 'gas-1', kind: 'gas', event: 'alarm' }]);
  });

  it('Koenkk/zigbee2mqtt test/extensions/receive.test.ts SP600: old firmware ×10 is corrected by scale 0.1 → both report 0.66 kWh / 0.0496 kW', () => {
    const fresh = bodies('zigbee2mqtt/SP600_NEW', { energy: 0.66, power: 49.6 });
    const old = bodies('zigbee2mqtt/SP600_OLD', { energy: 6.65, power: 496 });
    const rounded = (list: typeof fresh) => list.map((b) => ('value' in b ? Math.round(b.value * 1e4) / 1e4 : undefined));
    expect(rounded(fresh)).toEqual([0.66, 0.0496]);
    expect(rounded(old)).toEqual([0.665, 0.0496]);
  });

  it('Koenkk/zigbee2mqtt #663: battery as a numeric string is read as a number', () => {
    expect(bodies('zigbee2mqtt/kitchen/leak', { battery: '15' })).toEqual([{ deviceId: 'leak-1', kind: 'battery', percent: 15, low: true }]);
  });

  it('lib/extension/availability.ts: availability online/offline (retained); the empty payload of a rename is ignored', () => {
    expect(bodies('zigbee2mqtt/kitchen/leak/availability', { state: 'offline' })).toEqual([{ deviceId: 'leak-1', kind: 'status', online: false }]);
    expect(run('zigbee2mqtt/kitchen/leak/availability', '')).toEqual({ readings: [], rejections: [] });
  });

  it('lib/mqtt.ts: bridge/state JSON and the legacy plain-text payload are the bridge status', () => {
    expect(bodies('zigbee2mqtt/bridge/state', { state: 'online' })).toEqual([{ deviceId: 'z2m-bridge', kind: 'status', online: true }]);
    expect(bodies('zigbee2mqtt/bridge/state', 'offline')).toEqual([{ deviceId: 'z2m-bridge', kind: 'status', online: false }]);
  });

  it('ignores bridge inventory and command topics', () => {
    expect(run('zigbee2mqtt/bridge/devices', '[]')).toEqual({ readings: [], rejections: [] });
    expect(run('zigbee2mqtt/kitchen/leak/set', '{}')).toEqual({ readings: [], rejections: [] });
  });

  it.each<[string, string, string, string]>([
    ['an unknown friendly name', 'zigbee2mqtt/stranger', '{"water_leak":true}', 'unknown-device'],
    ['malformed JSON', 'zigbee2mqtt/kitchen/leak', '{"water_leak":', 'malformed-json'],
    ['a JSON array', 'zigbee2mqtt/kitchen/leak', '[true]', 'schema'],
    ['a leak state that is no boolean', 'zigbee2mqtt/kitchen/leak', '{"water_leak":"maybe"}', 'schema'],
    ['a NaN battery', 'zigbee2mqtt/kitchen/leak', '{"battery":"NaN"}', 'impossible-value'],
  ])('rejects %s', (_title, topic, payload, reason) => {
    expect(run(topic, payload).rejections.map((r) => r.reason)).toEqual([reason]);
  });

  it('a bad key does not spoil the good ones of the same message', () => {
    const result = run('zigbee2mqtt/kitchen/leak', '{"water_leak":"maybe","tamper":true}');
    expect([result.readings.map((r) => r.kind), result.rejections.map((r) => r.reason)]).toEqual([['tamper'], ['schema']]);
  });

  it('the double publish of #663 and a cached-state replay get the same idempotency keys; another state does not', () => {
    const a = run('zigbee2mqtt/kitchen/leak', '{"water_leak":true}').readings[0]?.idempotencyKey;
    const b = decode({ topic: 'zigbee2mqtt/kitchen/leak', payload: utf8('{"water_leak":true}'), receivedAt: NOW + 400 }).readings[0]?.idempotencyKey;
    const c = run('zigbee2mqtt/kitchen/leak', '{"water_leak":false}').readings[0]?.idempotencyKey;
    expect([a === b, a === c]).toEqual([true, false]);
  });

  it('uses last_seen as the device time and records the receive time beside it', () => {
    const [reading] = run('zigbee2mqtt/kitchen/leak', { water_leak: false, last_seen: NOW - 2000 }).readings;
    expect([reading?.ts, reading?.deviceTs, reading?.receivedAt]).toEqual([NOW - 2000, NOW - 2000, NOW]);
  });
});
