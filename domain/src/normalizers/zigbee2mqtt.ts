import { reject } from '../model/rejection.ts';
import { BATTERY_LOW_PERCENT } from '../schemas/native-payloads.ts';
import type { DeviceContext } from '../site/site-index.ts';
import { ZIGBEE2MQTT_DEFAULT_BASE_TOPIC, zigbee2mqttTopics } from '../topics.ts';
import { type BodyOrRejection, DecodeBatch, meterRate, meterTotal } from './device-quirks.ts';
import { type JsonObject, parseJsonObject, payloadText, vendorBoolean, vendorNumber } from './json-payload.ts';
import { contentHash } from './message-key.ts';
import { type DecodeResult, emptyResult, type Normalizer, rejected } from './normalizer.ts';

/**
 * Zigbee2MQTT (docs/protocol.md §Zigbee2MQTT). Device: `source: { ecosystem: zigbee2mqtt, address:
 * <friendly name> }`; the bridge is the device with address `bridge`.
 *
 * State keys (herdsman-converters fromZigbee IAS zone mapping; zigbee2mqtt.io device pages):
 * `water_leak` → leak, `smoke` (+ `test`) → fire, `gas` → gas, `contact` → contact with
 * **true = closed** (so open = !contact), `tamper`, `battery`/`battery_low` → battery, `energy`
 * kWh → electricity.total, `power` W → electricity.power. A missing key says nothing (partial
 * updates with `cache_state` off); a wrongly typed key is rejected alone, the others still count.
 */

const bool = (key: string, raw: unknown): { ok: true; value: boolean } | { ok: false; rejection: ReturnType<typeof reject>['rejection'] } => {
  const value = vendorBoolean(raw);
  return value === undefined ? { ok: false, rejection: reject('schema', `${key}: ${JSON.stringify(raw)} is not a boolean`).rejection } : { ok: true, value };
};

export function zigbee2mqttStateParts(state: JsonObject, device: DeviceContext): BodyOrRejection[] {
  const parts: BodyOrRejection[] = [];
  const flag = (key: string, make: (value: boolean) => BodyOrRejection) => {
    if (!(key in state)) return;
    const b = bool(key, state[key]);
    parts.push(b.ok ? make(b.value) : b);
  };
  flag('water_leak', (wet) => ({ ok: true, body: { kind: 'leak', wet } }));
  if ('smoke' in state || state['test'] === true) {
    const smoke = bool('smoke', state['smoke'] ?? false);
    if (!smoke.ok) parts.push(smoke);
    else {
      const event = state['test'] === true ? 'test' : smoke.value ? 'alarm' : 'reset';
      parts.push({ ok: true, body: { kind: 'fire', event, zone: device.device.zone, point: undefined } });
    }
  }
  flag('gas', (alarm) => ({ ok: true, body: { kind: 'gas', event: alarm ? 'alarm' : 'clear' } }));
  flag('contact', (closed) => ({ ok: true, body: { kind: 'contact', open: !closed } }));
  flag('tamper', (active) => ({ ok: true, body: { kind: 'tamper', active } }));
  if ('battery' in state || 'battery_low' in state) {
    const percent = 'battery' in state ? vendorNumber(state['battery']) : undefined;
    const low = 'battery_low' in state ? vendorBoolean(state['battery_low']) : undefined;
    if ('battery' in state && percent === undefined) parts.push(reject('schema', `battery: ${JSON.stringify(state['battery'])} is not a number`));
    else if ('battery_low' in state && low === undefined) parts.push(reject('schema', `battery_low: ${JSON.stringify(state['battery_low'])} is not a boolean`));
    else parts.push({ ok: true, body: { kind: 'battery', percent, low: low ?? (percent !== undefined && percent < BATTERY_LOW_PERCENT) } });
  }
  if (device.kind === 'electricity-meter') {
    if ('energy' in state) {
      const kWh = vendorNumber(state['energy']);
      parts.push(kWh === undefined ? reject('schema', `energy: ${JSON.stringify(state['energy'])} is not a number`) : meterTotal(device, kWh, 'kWh'));
    }
    if ('power' in state) {
      const watts = vendorNumber(state['power']);
      parts.push(watts === undefined ? reject('schema', `power: ${JSON.stringify(state['power'])} is not a number`) : meterRate(device, watts, 'W'));
    }
  }
  return parts;
}

/** `last_seen` is epoch ms or ISO with an offset, depending on `advanced.last_seen`. */
function lastSeen(state: JsonObject): number | undefined {
  const v = state['last_seen'];
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** `{"state":"online"}`, or the plain `online` of Zigbee2MQTT before 2.0. Undefined for an empty payload (rename/remove). */
function availability(payload: Uint8Array): { ok: true; online: boolean | undefined } | { ok: false; rejection: ReturnType<typeof reject>['rejection'] } {
  if (payload.length === 0) return { ok: true, online: undefined };
  const text = payloadText(payload);
  if (!text.ok) return text;
  const word = text.value.trim();
  if (word === 'online' || word === 'offline') return { ok: true, online: word === 'online' };
  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const state = json.value['state'];
  if (state === 'online' || state === 'offline') return { ok: true, online: state === 'online' };
  return { ok: false, rejection: reject('schema', `state: expected "online" or "offline", got ${JSON.stringify(state)}`).rejection };
}

export const zigbee2mqttNormalizer: Normalizer = {
  id: 'zigbee2mqtt',
  forSite(site) {
    const configured = site.sources.zigbee2mqtt;
    if (configured === undefined && !site.uses('zigbee2mqtt')) return undefined;
    const bases = configured?.baseTopics ?? [ZIGBEE2MQTT_DEFAULT_BASE_TOPIC];
    const parse = (topic: string) => {
      for (const base of bases) {
        const parsed = zigbee2mqttTopics.parse(base, topic);
        if (parsed !== undefined) return parsed;
      }
      return undefined;
    };
    return {
      filters: bases.map(zigbee2mqttTopics.filter),
      claims: (topic) => parse(topic) !== undefined,
      decode(input, devices): DecodeResult {
        const parsed = parse(input.topic);
        if (parsed === undefined || parsed.kind === 'ignored') return emptyResult;
        const name = parsed.kind === 'bridge-state' ? 'bridge' : parsed.name;
        const device = devices.bySource('zigbee2mqtt', name);
        const meta = { deviceTs: undefined, receivedAt: input.receivedAt, messageId: contentHash(input.topic, input.payload) };
        if (parsed.kind === 'bridge-state' || parsed.kind === 'availability') {
          if (device === undefined)
            return parsed.kind === 'bridge-state'
              ? emptyResult
              : rejected(reject('unknown-device', `Zigbee2MQTT device "${name}" is not in the site file`).rejection);
          const a = availability(input.payload);
          if (!a.ok) return rejected(a.rejection);
          if (a.online === undefined) return emptyResult;
          return new DecodeBatch().add(device, [{ ok: true, body: { kind: 'status', online: a.online } }], meta);
        }
        if (device === undefined) return rejected(reject('unknown-device', `Zigbee2MQTT device "${name}" is not in the site file`).rejection);
        const json = parseJsonObject(input.payload);
        if (!json.ok) return rejected(json.rejection);
        return new DecodeBatch().add(device, zigbee2mqttStateParts(json.value, device), {
          deviceTs: lastSeen(json.value),
          receivedAt: meta.receivedAt,
          messageId: meta.messageId,
        });
      },
    };
  },
};
