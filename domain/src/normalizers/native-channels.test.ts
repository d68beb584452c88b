import { describe, expect, it } from 'vitest';
import { type DeviceChannel, topics } from '../topics.ts';
import { createMessageDecoder } from './index.ts';
import { bcd, cjt188Frame, dlt645Frame, siteWith, toHex, utf8 } from './test-support.ts';

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const site = siteWith([
  { id: 'wm-1', kind: 'water-meter' },
  { id: 'em-1', kind: 'electricity-meter' },
  { id: 'panel-1', kind: 'fire-panel', zone: 'B1' },
  { id: 'gas-1', kind: 'gas-detector' },
  { id: 'leak-1', kind: 'leak-sensor' },
  { id: 'door-1', kind: 'door-contact', fireDoor: true },
  { id: 'reader-1', kind: 'access-reader' },
  { id: 'dtu-1', kind: 'gateway' },
  { id: 'wm-188', kind: 'water-meter', source: { ecosystem: 'cjt188', address: '00000012345678' } },
  { id: 'em-645', kind: 'electricity-meter', source: { ecosystem: 'dlt645', address: '000000000042' } },
]);
const decode = createMessageDecoder(site);
const send = (deviceId: string, channel: DeviceChannel, payload: object | string | Uint8Array, receivedAt = NOW) =>
  decode({
    topic: topics.deviceMessage('test', deviceId, channel),
    payload: payload instanceof Uint8Array ? payload : utf8(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    receivedAt,
  });
const body = (result: ReturnType<typeof send>) =>
  result.readings.map(({ siteId: _s, ts: _t, deviceTs: _d, receivedAt: _r, drill: _dr, idempotencyKey: _k, deviceId: _i, ...rest }) => rest);

describe('native channels', () => {
  it.each<[string, string, DeviceChannel, object, unknown]>([
    ['flow in L/min → m³/h', 'wm-1', 'flow', { value: 10, unit: 'L/min' }, [{ kind: 'water.flow', value: 0.6 }]],
    ['power in W → kW', 'em-1', 'flow', { value: 1500, unit: 'W' }, [{ kind: 'electricity.power', value: 1.5 }]],
    [
      'a fire alarm at a GB/T 26875 point (控制器号/回路号/部位号/部件类型)',
      'panel-1',
      'fire',
      { event: 'alarm', zone: 'B2', point: { controller: 1, loop: 2, point: 37, deviceType: 'smoke' } },
      [{ kind: 'fire', event: 'alarm', zone: 'B2', point: { controller: 1, loop: 2, point: 37, deviceType: 'smoke' } }],
    ],
    [
      'a numeric 部件类型 code and the panel zone from the site file',
      'panel-1',
      'fire',
      { event: 'fault', point: { controller: 1, loop: 1, point: 5, deviceType: 21 } },
      [{ kind: 'fire', event: 'fault', zone: 'B1', point: { controller: 1, loop: 1, point: 5, deviceType: '21' } }],
    ],
    ['gas alarm', 'gas-1', 'gas', { event: 'alarm' }, [{ kind: 'gas', event: 'alarm' }]],
    ['leak dry', 'leak-1', 'leak', { event: 'dry' }, [{ kind: 'leak', wet: false }]],
    ['tamper', 'leak-1', 'tamper', { event: 'tamper' }, [{ kind: 'tamper', active: true }]],
    ['door open', 'door-1', 'contact', { event: 'open' }, [{ kind: 'contact', open: true }]],
    ['fire door locked', 'door-1', 'lock', { event: 'locked' }, [{ kind: 'lock', locked: true }]],
    [
      'access denied with card and reason',
      'reader-1',
      'access',
      { event: 'denied', door: 'gate-north', card: 'A1B2C3', reason: 'deactivated' },
      [{ kind: 'access', event: 'denied', door: 'gate-north', card: 'A1B2C3', reason: 'deactivated' }],
    ],
    ['status offline (the last will)', 'dtu-1', 'status', { state: 'offline' }, [{ kind: 'status', online: false }]],
    ['battery percent only: low below 20 %', 'leak-1', 'battery', { percent: 12 }, [{ kind: 'battery', percent: 12, low: true }]],
    ['battery flag only', 'leak-1', 'battery', { low: true }, [{ kind: 'battery', percent: undefined, low: true }]],
    ['heartbeat', 'reader-1', 'heartbeat', {}, [{ kind: 'heartbeat' }]],
  ])('%s', (_title, deviceId, channel, payload, expected) => {
    expect(body(send(deviceId, channel, payload))).toEqual(expected);
  });

  it.each<[string, string, DeviceChannel, object | string, string]>([
    ['a fire event from a water meter', 'wm-1', 'fire', { event: 'alarm' }, 'wrong-device-kind'],
    ['a leak word that is not wet or dry', 'leak-1', 'leak', { event: 'damp' }, 'schema'],
    ['a fire point without a loop', 'panel-1', 'fire', { event: 'alarm', point: { controller: 1, point: 3, deviceType: 'smoke' } }, 'schema'],
    ['a negative flow', 'wm-1', 'flow', { value: -1, unit: 'm3/h' }, 'impossible-value'],
    ['a water unit from an electricity meter', 'em-1', 'flow', { value: 1, unit: 'm3/h' }, 'schema'],
    ['an empty battery message', 'leak-1', 'battery', {}, 'schema'],
    ['malformed JSON', 'leak-1', 'leak', '{"event":', 'malformed-json'],
    ['an unknown device', 'ghost', 'leak', { event: 'wet' }, 'unknown-device'],
  ])('rejects %s', (_title, deviceId, channel, payload, reason) => {
    expect(send(deviceId, channel, payload).rejections.map((r) => r.reason)).toEqual([reason]);
  });

  it('rejects an unknown channel as an unknown topic', () => {
    expect(decode({ topic: 'dutyroom/v1/test/devices/wm-1/temperature', payload: utf8('{}'), receivedAt: NOW }).rejections.map((r) => r.reason)).toEqual([
      'unknown-topic',
    ]);
  });

  it('frames: a concentrator relays a CJ/T 188 and a DL/T 645 reply as hex text; meters are found by address', () => {
    const water = cjt188Frame(0x10, '00000012345678', 0x81, [
      0x90,
      0x1f,
      0x01,
      ...bcd(1234500, 4),
      0x2c,
      ...bcd(0, 4),
      0x2c,
      0x00,
      0x59,
      0x15,
      0x24,
      0x11,
      0x26,
      0x20,
      0,
      0,
    ]);
    const electric = dlt645Frame('000000000042', 0x91, [0x00, 0x00, 0x01, 0x00, ...bcd(4200, 4)]);
    const result = send('dtu-1', 'frames', `FE FE ${toHex(water)} FE FE FE FE ${toHex(electric)}`);
    expect(result.readings.map((r) => [r.deviceId, r.kind, 'value' in r ? r.value : undefined])).toEqual([
      ['dtu-1', 'heartbeat', undefined],
      ['wm-188', 'water.total', 12345],
      ['em-645', 'electricity.total', 42],
    ]);
    // The meter clock 2026-11-24 15:59:00 is local time (Asia/Shanghai): one minute before the receive time.
    expect(result.readings[1]?.ts).toBe(NOW - 60_000);
    expect(result.rejections).toEqual([]);
  });

  it('frames: raw bytes, an unknown meter, an error reply and a broken checksum are each accounted', () => {
    const unknown = dlt645Frame('999999999999', 0x91, [0x00, 0x00, 0x01, 0x00, ...bcd(1, 4)]);
    const error = dlt645Frame('000000000042', 0xd1, [0x02]);
    const broken = dlt645Frame('000000000042', 0x91, [0x00, 0x00, 0x01, 0x00, ...bcd(1, 4)]);
    broken[broken.length - 2] = ((broken[broken.length - 2] ?? 0) + 1) & 0xff;
    const result = send('dtu-1', 'frames', Uint8Array.from([...unknown, ...error, ...broken]));
    expect(result.rejections.map((r) => r.reason).sort()).toEqual(['checksum', 'device-error', 'unknown-device']);
  });
});

describe('native time and identity', () => {
  it('a message without ts uses the receive time and its content hash: a redelivery has the same key', () => {
    const a = send('leak-1', 'leak', { event: 'wet' });
    const b = send('leak-1', 'leak', { event: 'wet' }, NOW + 30_000);
    expect([a.readings[0]?.ts, b.readings[0]?.idempotencyKey === a.readings[0]?.idempotencyKey]).toEqual([NOW, true]);
  });

  it('a drill is labelled', () => {
    expect(send('panel-1', 'fire', { event: 'test', drill: true }).readings[0]?.drill).toBe(true);
  });
});
