import { reject } from '../model/rejection.ts';
import { type Ecosystem, type SiteSources, siteSourcesSchema } from '../site/device-source-schema.ts';
import type { SiteIndex } from '../site/site-index.ts';
import { chirpstackNormalizer } from './chirpstack.ts';
import { createDeviceLookup } from './device-lookup.ts';
import { esprfidNormalizer } from './esprfid.ts';
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
  esprfidNormalizer,
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
  const addresses = new Map<Ecosystem, string[]>();
  for (const d of site.devices) {
    const source = d.device.source;
    if (source === undefined) continue;
    const list = addresses.get(source.ecosystem) ?? [];
    list.push(source.address);
    addresses.set(source.ecosystem, list);
  }
  return {
    siteId: site.siteId,
    timezone: site.timezone,
    sources: site.sources ?? siteSourcesSchema.parse({}),
    uses: (e) => addresses.has(e),
    sourceAddresses: (e) => addresses.get(e) ?? [],
  };
}

function bind(site: NormalizableSite, registry: readonly Normalizer[]): SiteNormalizer[] {
  const bound = normalizerSite(site);
  return registry.flatMap((n) => n.forSite(bound) ?? []);
}

/** Every MQTT filter the ingest of one site subscribes to. */
export function subscriptionFilters(site: NormalizableSite, registry: readonly Normalizer[] = normalizers): string[] {
  return [...new Set(bind(site, registry).flatMap((n) => n.filters))];
}

export interface DecoderOptions {
  /** Payloads above this are rejected as `oversize` before any parsing (the ingest's DUTYROOM_MAX_PAYLOAD_BYTES). */
  readonly maxPayloadBytes?: number;
}

/** A decoder for one site: topic → the ecosystem that claims it → readings and rejections. Never throws. */
export function createMessageDecoder(
  site: NormalizableSite,
  registry: readonly Normalizer[] = normalizers,
  options: DecoderOptions = {},
): (input: DecodeInput) => DecodeResult {
  checkNormalizerRegistry(registry);
  const devices = createDeviceLookup(site);
  const bound = bind(site, registry);
  const limit = options.maxPayloadBytes ?? Number.POSITIVE_INFINITY;
  return (input) => {
    if (input.payload.length > limit)
      return { readings: [], rejections: [reject('oversize', `${input.payload.length} bytes; the limit is ${limit}`).rejection] };
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
