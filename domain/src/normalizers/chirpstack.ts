import { reject } from '../model/rejection.ts';
import { BATTERY_LOW_PERCENT } from '../schemas/native-payloads.ts';
import type { Ecosystem } from '../site/device-source-schema.ts';
import { chirpstackTopics } from '../topics.ts';
import { decodedObjectParts } from './decoded-object.ts';
import { type BodyOrRejection, DecodeBatch } from './device-quirks.ts';
import { isObject, type JsonObject, parseJsonObject } from './json-payload.ts';
import { contentHash } from './message-key.ts';
import { type DecodeResult, type DeviceLookup, emptyResult, type Normalizer, rejected } from './normalizer.ts';

/**
 * ChirpStack v4 MQTT integration, JSON mode (docs/protocol.md §ChirpStack; chirpstack-docs
 * integrations/events.md). Device: `source: { ecosystem: chirpstack, address: <DevEUI> }`.
 *
 * - `up`: the codec's `object` → readings (decoded-object.ts); `time` is the server's UTC receive
 *   time; `deduplicationId` is the message id (one id across gateways and redeliveries). An uplink
 *   without `object` (no codec, or `UPLINK_CODEC` failed) is a heartbeat plus an `unsupported`
 *   rejection, so the raw `data` lands in the dead letters. ChirpStack v3's flat `devEUI` is accepted.
 * - `status`: `batteryLevel` % → battery. `join` → heartbeat (frame counters restart).
 * - `log` at level ERROR → `device-error`; other events (ack, txack, location, integration) carry no reading.
 */

/** DevEUIs are hex: the site file may write them in either case. */
export function lookupEui(devices: DeviceLookup, ecosystem: Ecosystem, eui: string) {
  return devices.bySource(ecosystem, eui) ?? devices.bySource(ecosystem, eui.toLowerCase()) ?? devices.bySource(ecosystem, eui.toUpperCase());
}

const timeOf = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
};

function statusParts(event: JsonObject): BodyOrRejection[] {
  const level = event['batteryLevel'];
  if (typeof level !== 'number' || event['batteryLevelUnavailable'] === true) return [];
  return [{ ok: true, body: { kind: 'battery', percent: level, low: level < BATTERY_LOW_PERCENT } }];
}

export const chirpstackNormalizer: Normalizer = {
  id: 'chirpstack',
  forSite(site) {
    const configured = site.sources.chirpstack;
    if (configured === undefined && !site.uses('chirpstack')) return undefined;
    const applications = configured?.applicationIds ?? ['+'];
    const any = applications.includes('+');
    const parse = (topic: string) => {
      const parsed = chirpstackTopics.parse(topic);
      return parsed !== undefined && (any || applications.includes(parsed.applicationId)) ? parsed : undefined;
    };
    return {
      filters: applications.map(chirpstackTopics.filter),
      claims: (topic) => parse(topic) !== undefined,
      decode(input, devices): DecodeResult {
        const parsed = parse(input.topic);
        if (parsed === undefined) return emptyResult;
        const { event } = parsed;
        if (event !== 'up' && event !== 'status' && event !== 'join' && event !== 'log') return emptyResult;
        const json = parseJsonObject(input.payload);
        if (!json.ok) return rejected(json.rejection);
        const message = json.value;
        const info = isObject(message['deviceInfo']) ? message['deviceInfo'] : undefined;
        const eui = typeof info?.['devEui'] === 'string' ? info['devEui'] : typeof message['devEUI'] === 'string' ? message['devEUI'] : parsed.devEui;
        const device = lookupEui(devices, 'chirpstack', eui);
        if (event === 'log') {
          if (message['level'] !== 'ERROR') return emptyResult;
          return rejected(reject('device-error', `ChirpStack ${String(message['code'])} for ${eui}: ${String(message['description'] ?? '')}`).rejection);
        }
        if (device === undefined) return rejected(reject('unknown-device', `LoRaWAN device ${eui} is not in the site file`).rejection);
        const dedup = message['deduplicationId'];
        const meta = {
          deviceTs: timeOf(message['time']),
          receivedAt: input.receivedAt,
          messageId: typeof dedup === 'string' ? `${event}/${dedup}` : contentHash(input.topic, input.payload),
        };
        const batch = new DecodeBatch();
        if (event === 'join') return batch.add(device, [], meta);
        if (event === 'status') return batch.add(device, statusParts(message), meta);
        const object = message['object'];
        if (!isObject(object)) {
          batch.reject(reject('unsupported', `uplink from ${eui} has no decoded "object": give its device profile a codec`).rejection);
          return batch.add(device, [], meta);
        }
        return batch.add(device, decodedObjectParts(object, device), meta);
      },
    };
  },
};
