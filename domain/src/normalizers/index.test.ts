import { describe, expect, it } from 'vitest';
import { checkNormalizerRegistry, createMessageDecoder, normalizers, subscriptionFilters } from './index.ts';
import type { Normalizer } from './normalizer.ts';
import { siteWith, utf8 } from './test-support.ts';

describe('normalizer registry', () => {
  it('has one entry per id', () => {
    expect(() => checkNormalizerRegistry(normalizers)).not.toThrow();
    expect(() => checkNormalizerRegistry([...normalizers, normalizers[0] as Normalizer])).toThrow(/registered twice/);
  });

  it('subscribes to the native scheme only, for a site without vendor devices or sources', () => {
    expect(subscriptionFilters(siteWith([{ id: 'wm', kind: 'water-meter' }]))).toEqual(['dutyroom/v1/test/devices/+/+']);
  });

  it('subscribes to each ecosystem its devices use (defaults) or its sources configure', () => {
    const site = siteWith([{ id: 'leak', kind: 'leak-sensor', source: { ecosystem: 'zigbee2mqtt', address: 'leak' } }], {
      tasmota: { fullTopics: ['%prefix%/%topic%/'] },
      frames: { topics: ['dtu/+/up'] },
      tts: { applicationIds: ['app1@ttn'] },
    });
    expect(subscriptionFilters(site)).toEqual([
      'dutyroom/v1/test/devices/+/+',
      'zigbee2mqtt/#',
      'v3/app1@ttn/devices/+/up',
      'v3/app1@ttn/devices/+/join',
      'dtu/+/up',
      'tele/+/+',
      'stat/+/+',
    ]);
  });

  it('two sites on one broker: each claims only its own base topic', () => {
    const a = createMessageDecoder(
      siteWith([{ id: 'l', kind: 'leak-sensor', source: { ecosystem: 'zigbee2mqtt', address: 'l' } }], { zigbee2mqtt: { baseTopics: ['siteA'] } }, 'a'),
    );
    const msg = { topic: 'siteB/l', payload: utf8('{"water_leak":true}'), receivedAt: 1 };
    expect(a(msg).rejections.map((r) => r.reason)).toEqual(['unknown-topic']);
    expect(a({ ...msg, topic: 'siteA/l' }).readings.map((r) => r.kind)).toEqual(['leak']);
  });

  it('rejects an oversize payload before parsing it', () => {
    const decode = createMessageDecoder(siteWith([{ id: 'wm', kind: 'water-meter' }]), normalizers, { maxPayloadBytes: 16 });
    const topic = 'dutyroom/v1/test/devices/wm/reading';
    expect(decode({ topic, payload: utf8('{"total":1,"unit":"m3","ts":1}'), receivedAt: 1 }).rejections.map((r) => r.reason)).toEqual(['oversize']);
    expect(decode({ topic, payload: utf8('{"total":1}'), receivedAt: 1 }).readings.map((r) => r.kind)).toEqual(['water.total']);
  });

  it('turns an adapter that throws into an internal-error rejection instead of crashing the ingest', () => {
    const broken: Normalizer = {
      id: 'broken',
      forSite: () => ({
        filters: ['#'],
        claims: () => true,
        decode: () => {
          throw new Error('bug');
        },
      }),
    };
    const decode = createMessageDecoder(siteWith([]), [broken]);
    expect(decode({ topic: 'x', payload: utf8('{}'), receivedAt: 1 }).rejections).toEqual([{ reason: 'internal-error', detail: 'bug' }]);
  });
});
