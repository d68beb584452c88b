import { reject } from '../model/rejection.ts';
import { ttsTopics } from '../topics.ts';
import { lookupEui } from './chirpstack.ts';
import { decodedObjectParts } from './decoded-object.ts';
import { DecodeBatch } from './device-quirks.ts';
import { isObject, parseJsonObject } from './json-payload.ts';
import { contentHash } from './message-key.ts';
import { type DecodeResult, emptyResult, type Normalizer, rejected } from './normalizer.ts';

/**
 * The Things Stack v3 MQTT server (docs/protocol.md §The Things Stack; thethingsindustries.com
 * docs integrations/data-formats). Device: `source: { ecosystem: tts, address: <device id> }` (the
 * DevEUI is accepted too). `up` → `uplink_message.decoded_payload` (decoded-object.ts), time =
 * `uplink_message.received_at` (server UTC); `join` → heartbeat; other events carry no reading.
 * The TTS broker is QoS 0 only: losses happen and nothing is redelivered. Empty, zero and false
 * fields are omitted by TTS, so no field of the envelope is required.
 */
export const ttsNormalizer: Normalizer = {
  id: 'tts',
  forSite(site) {
    const configured = site.sources.tts;
    if (configured === undefined) return undefined;
    const applications = configured.applicationIds;
    const parse = (topic: string) => {
      const parsed = ttsTopics.parse(topic);
      return parsed !== undefined && (parsed.event === 'up' || parsed.event === 'join') && applications.includes(parsed.applicationId) ? parsed : undefined;
    };
    return {
      filters: applications.flatMap(ttsTopics.filters),
      claims: (topic) => parse(topic) !== undefined,
      decode(input, devices): DecodeResult {
        const parsed = parse(input.topic);
        if (parsed === undefined || (parsed.event !== 'up' && parsed.event !== 'join')) return emptyResult;
        const json = parseJsonObject(input.payload);
        if (!json.ok) return rejected(json.rejection);
        const ids = isObject(json.value['end_device_ids']) ? json.value['end_device_ids'] : {};
        const deviceId = typeof ids['device_id'] === 'string' ? ids['device_id'] : parsed.deviceId;
        const device = devices.bySource('tts', deviceId) ?? (typeof ids['dev_eui'] === 'string' ? lookupEui(devices, 'tts', ids['dev_eui']) : undefined);
        if (device === undefined) return rejected(reject('unknown-device', `TTS device "${deviceId}" is not in the site file`).rejection);
        const uplink = isObject(json.value['uplink_message']) ? json.value['uplink_message'] : undefined;
        const received = uplink?.['received_at'] ?? json.value['received_at'];
        const deviceTs = typeof received === 'string' && !Number.isNaN(Date.parse(received)) ? Date.parse(received) : undefined;
        const meta = { deviceTs, receivedAt: input.receivedAt, messageId: contentHash(input.topic, input.payload) };
        const batch = new DecodeBatch();
        if (parsed.event === 'join') return batch.add(device, [], meta);
        const decoded = uplink?.['decoded_payload'];
        if (!isObject(decoded)) {
          batch.reject(reject('unsupported', `uplink from "${deviceId}" has no decoded_payload: add a payload formatter`).rejection);
          return batch.add(device, [], meta);
        }
        return batch.add(device, decodedObjectParts(decoded, device), meta);
      },
    };
  },
};
