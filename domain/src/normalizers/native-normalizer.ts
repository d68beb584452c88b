import { reject } from '../model/rejection.ts';
import { parseTopic, topicFilters } from '../topics.ts';
import { DecodeBatch } from './device-quirks.ts';
import { parseJsonObject } from './json-payload.ts';
import { contentHash } from './message-key.ts';
import { decodeMeterFrames } from './meter-frames.ts';
import { decodeNativeChannel } from './native.ts';
import { type Normalizer, rejected } from './normalizer.ts';

/** The native topic scheme (docs/protocol.md) as a registry entry: always on. */
export const nativeNormalizer: Normalizer = {
  id: 'native',
  forSite: (site) => {
    const prefix = topicFilters.deviceMessages(site.siteId).slice(0, -'+/+'.length);
    return {
      filters: [topicFilters.deviceMessages(site.siteId)],
      claims: (topic) => topic.startsWith(prefix),
      decode(input, devices) {
        const parsed = parseTopic(input.topic);
        if (parsed?.kind !== 'device' || parsed.siteId !== site.siteId)
          return rejected(reject('unknown-topic', 'not a device topic of the native scheme (unknown channel?)').rejection);
        const device = devices.byId(parsed.deviceId);
        if (device === undefined) return rejected(reject('unknown-device', `device "${parsed.deviceId}" is not in the site file`).rejection);
        const batch = new DecodeBatch();
        if (parsed.channel === 'frames') {
          // The concentrator itself is alive; each frame names its meter.
          batch.add(device, [], { deviceTs: undefined, receivedAt: input.receivedAt, messageId: contentHash(input.topic, input.payload) });
          return decodeMeterFrames(input, devices, site.timezone, batch);
        }
        const json = parseJsonObject(input.payload);
        if (!json.ok) return rejected(json.rejection);
        return decodeNativeChannel(
          parsed.channel,
          json.value,
          device,
          { receivedAt: input.receivedAt, contentId: () => contentHash(input.topic, input.payload) },
          batch,
        );
      },
    };
  },
};
