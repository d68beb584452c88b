import { reject } from '../model/rejection.ts';
import { type Ecosystem, type SiteSources, siteSourcesSchema } from '../site/device-source-schema.ts';
import type { SiteIndex } from '../site/site-index.ts';
import { chirpstackNormalizer } from './chirpstack.ts';
import { createDeviceLookup } from './device-lookup.ts';
import { meterFramesNormalizer } from './frames-normalizer.ts';
import { nativeNormalizer } from './native-normalizer.ts';
import { neuronNormalizer } from './neuron.ts';
import type { DecodeInput, DecodeResult, Normalizer, NormalizerSite, SiteNormalizer } from './normalizer.ts';
import { tasmotaNormalizer } from './tasmota.ts';
import { ttsNormalizer } from './tts.ts';
import { zigbee2mqttNormalizer } from './zigbee2mqtt.ts';

export { decodeNativeChannel, normalizeNativeReading } from './native.ts';

/**
 * The registry: a new ecosystem is one file plus one line here. Order matters only for topics two
 * entries could both claim: the native scheme first, broad vendor patterns (Tasmota) last.
 */
export const normalizers: readonly Normalizer[] = [
  nativeNormalizer,
  zigbee2mqttNormalizer,
  chirpstackNormalizer,
  ttsNormalizer,
  neuronNormalizer,
  meterFramesNormalizer,
  tasmotaNormalizer,
];

/** Start-up guard: one entry per ecosystem. */
export function checkNormalizerRegistry(registry: readonly Normalizer[]): void {
  const seen = new Set<string>();
  for (const n of registry) {
    if (seen.has(n.id)) throw new Error(`normalizer "${n.id}" is registered twice`);
    seen.add(n.id);
  }
}

/**
 * A site as the normalizers see it. `sources` comes from the site file (`SiteFile['sources']`);
 * a SiteIndex without it gets each ecosystem's defaults for the ecosystems its devices use.
 */
export type NormalizableSite = SiteIndex & { readonly sources?: SiteSources };

function normalizerSite(site: NormalizableSite): NormalizerSite {
  const used = new Set<Ecosystem>();
  for (const d of site.devices) if (d.device.source !== undefined) used.add(d.device.source.ecosystem);
  return { siteId: site.siteId, timezone: site.timezone, sources: site.sources ?? siteSourcesSchema.parse({}), uses: (e) => used.has(e) };
}

function bind(site: NormalizableSite, registry: readonly Normalizer[]): SiteNormalizer[] {
  const bound = normalizerSite(site);
  return registry.flatMap((n) => n.forSite(bound) ?? []);
}

/** Every MQTT filter the ingest of one site subscribes to. */
export function subscriptionFilters(site: NormalizableSite, registry: readonly Normalizer[] = normalizers): string[] {
  return [...new Set(bind(site, registry).flatMap((n) => n.filters))];
}

/** A decoder for one site: topic → the ecosystem that claims it → readings and rejections. Never throws. */
export function createMessageDecoder(site: NormalizableSite, registry: readonly Normalizer[] = normalizers): (input: DecodeInput) => DecodeResult {
  checkNormalizerRegistry(registry);
  const devices = createDeviceLookup(site);
  const bound = bind(site, registry);
  return (input) => {
    const normalizer = bound.find((n) => n.claims(input.topic));
    if (normalizer === undefined)
      return { readings: [], rejections: [reject('unknown-topic', `no ecosystem of this site publishes on "${input.topic}"`).rejection] };
    try {
      return normalizer.decode(input, devices);
    } catch (error) {
      // A bug in an adapter must not stop the ingest: the message is dead-lettered and counted.
      return { readings: [], rejections: [reject('internal-error', (error as Error).message ?? String(error)).rejection] };
    }
  };
}
