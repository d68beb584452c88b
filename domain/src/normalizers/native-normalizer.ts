import { reject } from '../model/rejection.ts';
import { parseTopic, topicFilters } from '../topics.ts';
import { normalizeNativeReading } from './native.ts';
import type { Normalizer } from './normalizer.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The native topic scheme (docs/protocol.md) as a registry entry. */
export const nativeNormalizer: Normalizer = {
  id: 'native',
  topicFilters: (siteId) => [topicFilters.deviceMessages(siteId)],
  claims: (topic, siteId) => {
    const parsed = parseTopic(topic);
    return parsed?.kind === 'device' && parsed.siteId === siteId;
  },
  decode({ topic, payload, receivedAt }, devices) {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'device') return { readings: [], rejections: [reject('unknown-topic', 'not a device topic of the native scheme').rejection] };
    const device = devices.byId(parsed.deviceId);
    if (device === undefined) return { readings: [], rejections: [reject('unknown-device', `device "${parsed.deviceId}" is not in the site file`).rejection] };
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(payload));
    } catch (error) {
      return { readings: [], rejections: [reject('malformed-json', (error as Error).message).rejection] };
    }
    const result = normalizeNativeReading(json, device, receivedAt);
    return result.ok ? { readings: [result.value], rejections: [] } : { readings: [], rejections: [result.rejection] };
  },
};
