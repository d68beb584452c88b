import { describe, expect, it } from 'vitest';
import type { SiteDevice } from '../site/site-schema.ts';
import { createMessageDecoder } from './index.ts';
import { siteWith, utf8 } from './test-support.ts';

const NOW = Date.parse('2022-07-18T09:40:00Z');
const APP = '17c82e96-be03-4f38-aef3-f83d48582d97';
const devices: SiteDevice[] = [
  { id: 'lora-leak', kind: 'leak-sensor', source: { ecosystem: 'chirpstack', address: '0101010101010101' } },
  { id: 'lora-pulse', kind: 'water-meter', pulseFactor: 1, source: { ecosystem: 'chirpstack', address: '24E124136B502217' } },
  {
    id: 'lora-meter',
    kind: 'water-meter',
    source: { ecosystem: 'chirpstack', address: 'a81758fffe000001', fields: { 'water.total': 'meter_m3', leak: 'alarm_leak' } },
  },
];
const decode = createMessageDecoder(siteWith(devices, { chirpstack: { applicationIds: [APP] } }));
const topic = (eui: string, event: string) => `application/${APP}/device/${eui}/event/${event}`;
const run = (t: string, payload: object | string) =>
  decode({ topic: t, payload: utf8(typeof payload === 'string' ? payload : JSON.stringify(payload)), receivedAt: NOW });

/** chirpstack/chirpstack-docs@9d9b5bb src/chirpstack/integrations/events.md, "up" example (abbreviated, no object). */
const docUp = {
  deduplicationId: '3ac7e3c4-4401-4b8d-9386-a5c902f9202d',
  time: '2022-07-18T09:34:15.775023242+00:00',
  deviceInfo: {
    tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242',
    tenantName: 'ChirpStack',
    applicationId: APP,
    applicationName: 'Test application',
    deviceProfileId: '14855bf7-d10d-4aee-b618-ebfcb64dc7ad',
    deviceProfileName: 'Test device-profile',
    deviceName: 'Test device',
    devEui: '0101010101010101',
    tags: { key: 'value' },
  },
  devAddr: '00189440',
  dr: 1,
  fPort: 1,
  data: 'qg==',
  rxInfo: [{ gatewayId: '0016c001f153a14c', uplinkId: 4217106255, rssi: -36, snr: 10.5 }],
};

describe('chirpstack normalizer', () => {
  it('events.md up example without object: a heartbeat at the server time, and an unsupported rejection that keeps the raw data', () => {
    const result = run(topic('0101010101010101', 'up'), docUp);
    expect(result.readings.map((r) => [r.kind, r.ts])).toEqual([['heartbeat', Date.parse('2022-07-18T09:34:15.775Z')]]);
    expect(result.rejections.map((r) => r.reason)).toEqual(['unsupported']);
  });

  it('Milesight EM300-SLD codec (TheThingsNetwork/lorawan-devices): object.water "leak" → leak wet', () => {
    const result = run(topic('0101010101010101', 'up'), { ...docUp, object: { water: 'leak', battery: 98 } });
    expect(result.readings.map((r) => [r.kind, 'wet' in r ? r.wet : 'percent' in r ? r.percent : undefined])).toEqual([
      ['leak', true],
      ['battery', 98],
    ]);
  });

  it('Milesight EM300-DI codec: object.pulse × pulseFactor; DevEUI matched in either case', () => {
    const up = { ...docUp, deviceInfo: { ...docUp.deviceInfo, devEui: '24e124136b502217' }, object: { pulse: 1500 } };
    expect(run(topic('24e124136b502217', 'up'), up).readings.map((r) => [r.deviceId, r.kind, 'value' in r && r.value])).toEqual([
      ['lora-pulse', 'water.total', 1.5],
    ]);
  });

  it('a per-device field map names the codec keys; unmapped keys are not guessed', () => {
    const up = { ...docUp, deviceInfo: { ...docUp.deviceInfo, devEui: 'a81758fffe000001' }, object: { meter_m3: 12.5, alarm_leak: 0, battery: 50 } };
    expect(run(topic('a81758fffe000001', 'up'), up).readings.map((r) => [r.kind, 'value' in r ? r.value : 'wet' in r ? r.wet : undefined])).toEqual([
      ['water.total', 12.5],
      ['leak', false],
    ]);
  });

  it('deduplicationId is the message id: a redelivery has the same key', () => {
    const a = run(topic('0101010101010101', 'up'), { ...docUp, object: { water: 'normal' } }).readings[0]?.idempotencyKey;
    const b = decode({
      topic: topic('0101010101010101', 'up'),
      payload: utf8(JSON.stringify({ ...docUp, object: { water: 'normal' } })),
      receivedAt: NOW + 9000,
    }).readings[0]?.idempotencyKey;
    expect(a).toBe(b);
    expect(a).toContain('3ac7e3c4-4401-4b8d-9386-a5c902f9202d');
  });

  it('events.md status example: batteryLevel 88.3 % → battery', () => {
    const status = {
      deduplicationId: 'bf2a9746-1c8b-49be-a92e-f0b89c8534e4',
      time: '2022-07-18T09:35:06.927172638+00:00',
      deviceInfo: docUp.deviceInfo,
      margin: 10,
      batteryLevel: 88.3,
    };
    expect(run(topic('0101010101010101', 'status'), status).readings.map((r) => 'percent' in r && [r.percent, r.low])).toEqual([[88.3, false]]);
  });

  it('events.md join example → heartbeat; log ERROR UPLINK_MIC → device-error; ack → nothing', () => {
    const join = {
      deduplicationId: 'c9dbe358-2578-4fb7-b295-66b44edc45a6',
      time: '2022-07-18T09:33:28.823500726+00:00',
      deviceInfo: docUp.deviceInfo,
      devAddr: '00189440',
    };
    expect(run(topic('0101010101010101', 'join'), join).readings.map((r) => r.kind)).toEqual(['heartbeat']);
    const log = {
      time: '2022-07-18T09:39:57.311414029+00:00',
      deviceInfo: docUp.deviceInfo,
      level: 'ERROR',
      code: 'UPLINK_MIC',
      description: 'MIC of join-request is invalid',
    };
    expect(run(topic('0101010101010101', 'log'), log).rejections.map((r) => r.reason)).toEqual(['device-error']);
    expect(run(topic('0101010101010101', 'ack'), { deviceInfo: docUp.deviceInfo })).toEqual({ readings: [], rejections: [] });
  });

  it.each<[string, string, object | string, string]>([
    ['an unknown DevEUI', topic('ffffffffffffffff', 'up'), { ...docUp, deviceInfo: { ...docUp.deviceInfo, devEui: 'ffffffffffffffff' } }, 'unknown-device'],
    ['Protobuf (json = false) instead of JSON', topic('0101010101010101', 'up'), '\u0012\u0010binary', 'malformed-json'],
    ['a leak value no codec would send', topic('0101010101010101', 'up'), { ...docUp, object: { water: 'perhaps' } }, 'schema'],
  ])('rejects %s', (_title, t, payload, reason) => {
    expect(run(t, payload).rejections.map((r) => r.reason)).toEqual([reason]);
  });

  it('does not claim another application on a shared broker', () => {
    expect(run('application/other-app/device/0101010101010101/event/up', docUp).rejections.map((r) => r.reason)).toEqual(['unknown-topic']);
  });
});
