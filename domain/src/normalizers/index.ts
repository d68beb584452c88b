import { reject } from '../model/rejection.ts';
import type { SiteIndex } from '../site/site-index.ts';
import { createDeviceLookup } from './device-lookup.ts';
import { nativeNormalizer } from './native-normalizer.ts';
import type { DecodeInput, DecodeResult, Normalizer } from './normalizer.ts';

/** The registry: a new ecosystem is one file plus one line here. */
export const normalizers: readonly Normalizer[] = [nativeNormalizer];

/** Start-up guard: one entry per ecosystem. */
export function checkNormalizerRegistry(registry: readonly Normalizer[]): void {
  const seen = new Set<string>();
  for (const n of registry) {
    if (seen.has(n.id)) throw new Error(`normalizer "${n.id}" is registered twice`);
    seen.add(n.id);
  }
}

/** Every MQTT filter the ingest of one site subscribes to. */
export function subscriptionFilters(site: SiteIndex, registry: readonly Normalizer[] = normalizers): string[] {
  return [...new Set(registry.flatMap((n) => n.topicFilters(site.siteId)))];
}

/** A decoder for one site: topic → the ecosystem that claims it → readings and rejections. */
export function createMessageDecoder(site: SiteIndex, registry: readonly Normalizer[] = normalizers): (input: DecodeInput) => DecodeResult {
  const devices = createDeviceLookup(site);
  return (input) => {
    const normalizer = registry.find((n) => n.claims(input.topic, site.siteId));
    if (normalizer === undefined)
      return { readings: [], rejections: [reject('unknown-topic', `no ecosystem of this site publishes on "${input.topic}"`).rejection] };
    return normalizer.decode(input, devices);
  };
}
