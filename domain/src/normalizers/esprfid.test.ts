import { describe, expect, it } from 'vitest';
import { createMessageDecoder, subscriptionFilters } from './index.ts';
import { siteWith, utf8 } from './test-support.ts';

const NOW = 1605991375_000 + 60_000;
const site = siteWith([
  { id: 'gate-1', kind: 'access-reader', source: { ecosystem: 'esprfid', address: '/rfid' } },
  { id: 'gate-2', kind: 'access-reader', source: { ecosystem: 'esprfid', address: 'rfid/garage' } },
]);
const decode = createMessageDecoder(site);
const run = (topic: string, payload: object) => decode({ topic, payload: utf8(JSON.stringify(payload)), receivedAt: NOW });
const essence = (topic: string, payload: object) =>
  run(topic, payload).readings.map(({ siteId: _s, ts: _t, deviceTs: _d, receivedAt: _r, drill: _dr, idempotencyKey: _k, ...rest }) => rest);

/** esprfid/esp-rfid@1157df1 README-ADDON.md, "Messages sent by ESP-RFID" (placeholders replaced where noted). */
describe('esp-rfid normalizer', () => {
  it('subscribes to <TOPIC>/send of each controller in the site file', () => {
    expect(subscriptionFilters(site)).toContain('/rfid/send');
    expect(subscriptionFilters(site)).toContain('rfid/garage/send');
  });

  it.each<[string, object, unknown]>([
    [
      'README-ADDON access, known user (isknown lowercase as documented), level Always → granted',
      { type: 'access', time: 1605991375, isknown: 'true', access: 'Always', username: 'username', uid: '7C8E2B1A', door: 'gate-north' },
      [{ deviceId: 'gate-1', kind: 'access', event: 'granted', door: 'gate-north', card: '7C8E2B1A', reason: undefined }],
    ],
    [
      'README-ADDON access denied, unknown card',
      { type: 'access', time: 1605991375, isknown: 'false', access: 'Denied', username: 'Unknown', uid: 'token UID', door: 'your esp-rfid hostname' },
      [{ deviceId: 'gate-1', kind: 'access', event: 'denied', door: 'your esp-rfid hostname', card: 'token UID', reason: 'unknown' }],
    ],
    [
      'firmware src/mqtt.esp spells isKnown; Disabled → denied, deactivated',
      { type: 'access', time: 1605991375, isKnown: 'true', access: 'Disabled', username: 'x', uid: 'AB', door: 'd' },
      [{ deviceId: 'gate-1', kind: 'access', event: 'denied', door: 'd', card: 'AB', reason: 'deactivated' }],
    ],
    [
      'README-ADDON door event Door Open → contact open',
      { type: 'INFO', src: 'door', desc: 'Door Open', data: '', time: 1605991375, cmd: 'event', door: 'your esp-rfid hostname' },
      [{ deviceId: 'gate-1', kind: 'contact', open: true }],
    ],
    [
      'README-ADDON boot → online',
      { type: 'boot', time: 1605987212, 'Wifi SSID': 'xxx', 'Local IP': '192.168.1.xxx' },
      [{ deviceId: 'gate-1', kind: 'status', online: true }],
    ],
    ['README-ADDON heartbeat', { type: 'heartbeat', time: 1605991375, ip: '192.168.1.xxx', door: 'x' }, [{ deviceId: 'gate-1', kind: 'heartbeat' }]],
  ])('%s', (_title, payload, expected) => {
    expect(essence('/rfid/send', payload)).toEqual(expected);
  });

  it('time is epoch seconds', () => {
    expect(run('/rfid/send', { type: 'heartbeat', time: 1605991375 }).readings[0]?.ts).toBe(1605991375_000);
  });

  it('rejects an access level it does not know (the doc placeholder "the access state")', () => {
    expect(run('/rfid/send', { type: 'access', isknown: 'true', access: 'the access state', uid: 'u' }).rejections.map((r) => r.reason)).toEqual(['schema']);
  });

  it('a controller topic not in the site file is no topic of this site', () => {
    expect(run('/other/send', { type: 'heartbeat' }).rejections.map((r) => r.reason)).toEqual(['unknown-topic']);
  });
});
