import { compileTopicFilter } from '../topics.ts';
import { DecodeBatch } from './device-quirks.ts';
import { decodeMeterFrames } from './meter-frames.ts';
import type { Normalizer } from './normalizer.ts';

/**
 * CJ/T 188 and DL/T 645 frames on a concentrator's or DTU's own topics (`sources.frames.topics`),
 * hex text or raw bytes. Frames on the native `frames` channel are read by the native entry.
 */
export const meterFramesNormalizer: Normalizer = {
  id: 'meter-frames',
  forSite(site) {
    const topics = site.sources.frames?.topics;
    if (topics === undefined) return undefined;
    const matchers = topics.map(compileTopicFilter);
    return {
      filters: topics,
      claims: (topic) => matchers.some((m) => m.match(topic) !== undefined),
      decode: (input, devices) => decodeMeterFrames(input, devices, site.timezone, new DecodeBatch()),
    };
  },
};
