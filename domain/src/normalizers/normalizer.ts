import type { Reading } from '../model/reading.ts';
import type { Rejection } from '../model/rejection.ts';
import type { Ecosystem, SiteSources } from '../site/device-source-schema.ts';
import type { DeviceContext } from '../site/site-index.ts';

/** How a normalizer finds the site's device for what a message names. */
export interface DeviceLookup {
  byId(deviceId: string): DeviceContext | undefined;
  /** The device whose `source` is this ecosystem and address (friendly name, DevEUI, meter address…). */
  bySource(ecosystem: Ecosystem, address: string): DeviceContext | undefined;
}

export interface DecodeInput {
  readonly topic: string;
  /** Raw bytes as the broker delivered them; JSON is parsed by the normalizer, frames read as bytes or hex. */
  readonly payload: Uint8Array;
  /** Broker receive time (epoch ms): always recorded, used when the device's clock is absurd. */
  readonly receivedAt: number;
}

/**
 * One message → readings and rejections. A message can carry several readings (a Zigbee2MQTT
 * state, several meter frames from one concentrator) and a bad part does not spoil the good ones:
 * each rejection is dead-lettered with the whole raw payload. Both empty means the message was
 * recognised and carries nothing to record (a Zigbee2MQTT command topic, a meter read request):
 * docs/protocol.md lists every such case.
 */
export interface DecodeResult {
  readonly readings: readonly Reading[];
  readonly rejections: readonly Rejection[];
}

/** What a normalizer knows of the site it serves: settings from the site file's `sources`. */
export interface NormalizerSite {
  readonly siteId: string;
  /** IANA zone for devices that send local time without an offset (Tasmota, CJ/T 188 meter clocks). */
  readonly timezone: string;
  readonly sources: SiteSources;
  /** Whether some device of the site has a source in this ecosystem. */
  uses(ecosystem: Ecosystem): boolean;
  /** The source addresses of the site's devices in this ecosystem (topics derived from devices). */
  sourceAddresses(ecosystem: Ecosystem): readonly string[];
}

/** A normalizer bound to one site: topic matchers compiled once, not per message. */
export interface SiteNormalizer {
  /** MQTT subscription filters. */
  readonly filters: readonly string[];
  /** Whether the topic belongs to this ecosystem (for this site). */
  claims(topic: string): boolean;
  decode(input: DecodeInput, devices: DeviceLookup): DecodeResult;
}

/** One ecosystem's adapter: a registry entry, like a detector. Pure. */
export interface Normalizer {
  /** Stable id: the ecosystem, or `meter-frames` for CJ/T 188 and DL/T 645 frames read together. */
  readonly id: string;
  /** Undefined when the site neither configures nor uses the ecosystem (nothing to subscribe to). */
  forSite(site: NormalizerSite): SiteNormalizer | undefined;
}

export const emptyResult: DecodeResult = { readings: [], rejections: [] };
export const rejected = (rejection: Rejection): DecodeResult => ({ readings: [], rejections: [rejection] });
