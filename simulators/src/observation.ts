import type { AccessEvent, Ecosystem, FireEvent, FirePoint } from '@dutyroom/domain';
import type { EcosystemSettings } from './wire.ts';

/**
 * What a simulated device has to say, before any wire format: the device-side truth. Encoders
 * (src/encoders/) turn one observation into what a real device of its ecosystem publishes.
 */
export type Observation =
  /** Meter register (litres, exact) and the flow right now; a pulse meter also counts pulses. */
  | {
      readonly type: 'water';
      readonly totalLitres: number;
      readonly flowLitresPerMinute: number;
      readonly valveClosed: boolean;
      readonly batteryLow: boolean;
    }
  | { readonly type: 'electricity'; readonly totalKwh: number; readonly powerKw: number }
  /** A panel point or a detector: alarm, fault, supervisory, test, reset (a detector's alarm clears with reset). */
  | { readonly type: 'fire'; readonly event: FireEvent; readonly zone: string | undefined; readonly point: FirePoint | undefined }
  | { readonly type: 'gas'; readonly alarm: boolean }
  | { readonly type: 'leak'; readonly wet: boolean }
  | { readonly type: 'contact'; readonly open: boolean }
  | { readonly type: 'access'; readonly event: AccessEvent; readonly card: string | undefined; readonly reason: string | undefined }
  | { readonly type: 'status'; readonly online: boolean }
  | { readonly type: 'battery'; readonly percent: number; readonly low: boolean }
  | { readonly type: 'heartbeat' };

export type ObservationType = Observation['type'];

/** One MQTT publication. */
export interface WireMessage {
  readonly topic: string;
  readonly payload: string;
  readonly qos: 0 | 1;
  readonly retain: boolean;
  /** Meter frames a concentrator relays: those on one topic at one instant travel as one message. */
  readonly batchable?: boolean;
}

/** The device as an encoder needs it: identity, ecosystem address, quirks and its gateway. */
export interface EncodableDevice {
  readonly id: string;
  readonly kind: string;
  readonly ecosystem: Ecosystem;
  /** Identity in the ecosystem (friendly name, DevEUI, meter address…); the device id for native. */
  readonly address: string;
  readonly pulseFactor: number | undefined;
  readonly invert: boolean;
  readonly scale: number | undefined;
  /** The gateway's ecosystem address (concentrator, Zigbee bridge), when it has one. */
  readonly gatewayAddress: string | undefined;
  /** The gateway's device id: a concentrator relays frames on its own topics or its native `frames` channel. */
  readonly gatewayId: string | undefined;
  /** Vendor keys per reading kind (site file `source.fields`), for codecs and Neuron tags. */
  readonly fields: Readonly<Partial<Record<string, string>>> | undefined;
}

export interface EncodeContext {
  readonly siteId: string;
  readonly timeZone: string;
  /** Simulated epoch ms of the observation. */
  readonly ts: number;
  /** Per-device message counter (LoRaWAN fCnt, native seq, CJ/T 188 SER). */
  readonly seq: number;
  /** 演练: the observation comes from a drill scenario. */
  readonly drill: boolean;
  readonly settings: EcosystemSettings;
  /** Deterministic ids (ChirpStack deduplicationId and the like). */
  readonly random: () => number;
}

export type Encoder = (observation: Observation, device: EncodableDevice, ctx: EncodeContext) => readonly WireMessage[];
