import type { Reading } from '../model/reading.ts';
import type { Rejection } from '../model/rejection.ts';
import type { Ecosystem } from '../site/device-source-schema.ts';
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
 * each rejection is dead-lettered with the whole raw payload.
 */
export interface DecodeResult {
  readonly readings: readonly Reading[];
  readonly rejections: readonly Rejection[];
}

/** One ecosystem's adapter: a registry entry, like a detector. Pure. */
export interface Normalizer {
  readonly id: Ecosystem;
  /** MQTT subscription filters for one site. */
  topicFilters(siteId: string): readonly string[];
  /** Whether the topic belongs to this ecosystem (for this site). */
  claims(topic: string, siteId: string): boolean;
  decode(input: DecodeInput, devices: DeviceLookup): DecodeResult;
}
