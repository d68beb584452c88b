import { describe, expect, it } from 'vitest';
import {
  chirpstackTopics,
  compileTasmotaFullTopic,
  compileTopicFilter,
  deviceChannels,
  parseTopic,
  TASMOTA_DEFAULT_FULL_TOPIC,
  topics,
  ttsTopics,
  zigbee2mqttTopics,
} from './topics.ts';

describe('native topics', () => {
  it('parses what it builds', () => {
    expect(parseTopic(topics.deviceMessage('demo', 'wm-1-1-101', 'reading'))).toEqual({
      kind: 'device',
      siteId: 'demo',
      deviceId: 'wm-1-1-101',
      channel: 'reading',
    });
    expect(parseTopic(topics.anomaly('demo', '42'))).toEqual({ kind: 'anomaly', siteId: 'demo', anomalyId: '42' });
    expect(parseTopic(topics.unitOccupancy('demo', '3-1-1202'))).toEqual({ kind: 'occupancy', siteId: 'demo', unitId: '3-1-1202' });
  });
  it.each(deviceChannels)('round-trips the %s channel', (channel) => {
    expect(parseTopic(topics.deviceMessage('s', 'd', channel))).toMatchObject({ kind: 'device', channel });
  });
  it.each([
    'dutyroom/v2/demo/devices/x/reading',
    'dutyroom/v1/demo/devices/x/unknown',
    'dutyroom/v1/demo/devices/x/reading/extra',
    'zigbee2mqtt/x',
    'dutyroom/v1//devices/x/reading',
    'dutyroom/v1/demo/units/x/owner',
    'dutyroom/v1/demo/units/x',
    '',
  ])('rejects %j', (topic) => {
    expect(parseTopic(topic)).toBeUndefined();
  });
});

describe(compileTopicFilter.name, () => {
  it.each<[string, string, string[] | undefined]>([
    ['a/+/c', 'a/b/c', ['b']],
    ['a/+/c', 'a/b/d', undefined],
    ['a/#', 'a', ['']],
    ['a/#', 'a/b/c', ['b/c']],
    ['/neuron/+', '/neuron/mqtt', ['mqtt']],
    ['+/x', '$SYS/x', undefined],
    ['a/+', 'a/b/c', undefined],
  ])('%s vs %s', (filter, topic, expected) => {
    expect(compileTopicFilter(filter).match(topic)).toEqual(expected);
  });
});

describe('vendor topics', () => {
  it.each<[string, unknown]>([
    ['zigbee2mqtt/kitchen/leak', { kind: 'state', name: 'kitchen/leak' }],
    ['zigbee2mqtt/kitchen/leak/availability', { kind: 'availability', name: 'kitchen/leak' }],
    ['zigbee2mqtt/bridge/state', { kind: 'bridge-state' }],
    ['zigbee2mqtt/bridge/devices', { kind: 'ignored' }],
    ['zigbee2mqtt/lamp/set', { kind: 'ignored' }],
    ['zigbee2mqttx/lamp', undefined],
  ])('Zigbee2MQTT %s', (topic, expected) => {
    expect(zigbee2mqttTopics.parse('zigbee2mqtt', topic)).toEqual(expected);
  });

  it('Tasmota default FullTopic: tele and stat filters, never cmnd', () => {
    const pattern = compileTasmotaFullTopic(TASMOTA_DEFAULT_FULL_TOPIC);
    expect(pattern.filters).toEqual(['tele/+/+', 'stat/+/+']);
    expect(pattern.parse('tele/pow1/SENSOR')).toEqual({ prefix: 'tele', topic: 'pow1', message: 'SENSOR' });
    expect(pattern.parse('cmnd/pow1/POWER')).toBeUndefined();
  });

  it('tasmota/docs Teleinfo.md: a custom FullTopic with the prefix after the topic', () => {
    const pattern = compileTasmotaFullTopic('emoncms/ch2i/factory/%topic%/%prefix%/');
    expect(pattern.parse('emoncms/ch2i/factory/denky_D6C0C0/tele/SENSOR')).toEqual({ prefix: 'tele', topic: 'denky_D6C0C0', message: 'SENSOR' });
    expect(pattern.filters).toEqual(['emoncms/ch2i/factory/+/tele/+', 'emoncms/ch2i/factory/+/stat/+']);
  });

  it('ChirpStack v4 and TTS v3 parse what they build', () => {
    expect(chirpstackTopics.parse(chirpstackTopics.event('app', '0101', 'up'))).toEqual({ applicationId: 'app', devEui: '0101', event: 'up' });
    expect(ttsTopics.parse(ttsTopics.event('app1@ttn', 'dev1', 'up'))).toEqual({ applicationId: 'app1@ttn', deviceId: 'dev1', event: 'up' });
    expect(ttsTopics.parse('v3/app1/devices/dev1/down/queued')).toBeUndefined();
  });
});
