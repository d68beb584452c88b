import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMessageDecoder } from '../../../domain/src/normalizers/index.ts';
import { siteWith } from '../../../domain/src/normalizers/test-support.ts';
import { topics } from '../../../domain/src/topics.ts';

/**
 * Bad input never crashes the ingest (SPEC §4): arbitrary bytes and arbitrary JSON on every
 * ecosystem's topics decode to readings or rejections, and never to `internal-error` (which is
 * what the decoder reports when an adapter throws).
 */
const site = siteWith(
  [
    { id: 'wm', kind: 'water-meter', pulseFactor: 1 },
    { id: 'leak', kind: 'leak-sensor', source: { ecosystem: 'zigbee2mqtt', address: 'leak' } },
    { id: 'pow', kind: 'electricity-meter', source: { ecosystem: 'tasmota', address: 'pow' } },
    { id: 'lora', kind: 'water-meter', pulseFactor: 1, source: { ecosystem: 'chirpstack', address: '0101010101010101' } },
    { id: 'tts', kind: 'leak-sensor', source: { ecosystem: 'tts', address: 'dev1' } },
    { id: 'nm', kind: 'water-meter', source: { ecosystem: 'neuron', address: 'modbus' } },
    { id: 'cj', kind: 'water-meter', source: { ecosystem: 'cjt188', address: '00000000000001' } },
    { id: 'dl', kind: 'electricity-meter', source: { ecosystem: 'dlt645', address: '000000000001' } },
    { id: 'rfid', kind: 'access-reader', source: { ecosystem: 'esprfid', address: '/rfid' } },
    { id: 'dtu', kind: 'gateway' },
  ],
  { tts: { applicationIds: ['app1'] }, frames: { topics: ['dtu/+/up'] } },
);
const decode = createMessageDecoder(site);
const topicList = [
  topics.deviceMessage('test', 'wm', 'reading'),
  topics.deviceMessage('test', 'wm', 'flow'),
  topics.deviceMessage('test', 'dtu', 'frames'),
  topics.deviceMessage('test', 'dtu', 'status'),
  'zigbee2mqtt/leak',
  'zigbee2mqtt/leak/availability',
  'tele/pow/SENSOR',
  'tele/pow/LWT',
  'stat/pow/STATUS8',
  'application/x/device/0101010101010101/event/up',
  'application/x/device/0101010101010101/event/status',
  'v3/app1/devices/dev1/up',
  '/neuron/n',
  'dtu/1/up',
  '/rfid/send',
];
const topic = fc.constantFrom(...topicList);
const jsonish = fc.oneof(
  fc.json(),
  fc
    .record({ water_leak: fc.anything(), battery: fc.anything(), ENERGY: fc.anything(), COUNTER: fc.anything() }, { requiredKeys: [] })
    .map((o) => JSON.stringify(o) ?? ''),
  fc
    .record(
      { object: fc.anything(), deviceInfo: fc.anything(), uplink_message: fc.anything(), node: fc.string(), group: fc.string(), values: fc.anything() },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o) ?? ''),
  fc
    .record(
      { ts: fc.anything(), total: fc.anything(), pulses: fc.anything(), value: fc.anything(), unit: fc.string(), type: fc.string(), access: fc.string() },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o) ?? ''),
);
const frameish = fc
  .array(fc.oneof(fc.constant(0x68), fc.constant(0x16), fc.constant(0xfe), fc.integer({ min: 0, max: 255 })), { maxLength: 200 })
  .map((a) => Uint8Array.from(a));

describe('decoder fuzz', () => {
  it('arbitrary bytes never make an adapter throw', () => {
    fc.assert(
      fc.property(topic, fc.oneof(fc.uint8Array({ maxLength: 300 }), frameish), fc.integer({ min: 0, max: 4_000_000_000_000 }), (t, payload, receivedAt) => {
        const result = decode({ topic: t, payload, receivedAt });
        expect(result.rejections.filter((r) => r.reason === 'internal-error')).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary JSON never makes an adapter throw, and every reading has a finite trusted time', () => {
    fc.assert(
      fc.property(topic, jsonish, (t, text) => {
        const result = decode({ topic: t, payload: new TextEncoder().encode(text), receivedAt: 1_795_490_000_000 });
        expect(result.rejections.filter((r) => r.reason === 'internal-error')).toEqual([]);
        for (const r of result.readings) expect(Number.isFinite(r.ts)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
