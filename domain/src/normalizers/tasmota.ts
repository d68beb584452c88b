import { reject } from '../model/rejection.ts';
import type { DeviceContext } from '../site/site-index.ts';
import { compileTasmotaFullTopic, TASMOTA_DEFAULT_FULL_TOPIC } from '../topics.ts';
import { parseLocalIso } from './clock.ts';
import { type BodyOrRejection, DecodeBatch, meterPulses, meterRate, meterTotal } from './device-quirks.ts';
import { iasZoneParts, iasZoneStatusFromHex } from './ias-zone.ts';
import { isObject, type JsonObject, parseJsonObject, payloadText, vendorBoolean, vendorNumber } from './json-payload.ts';
import { contentHash } from './message-key.ts';
import { type DecodeResult, emptyResult, type Normalizer, rejected } from './normalizer.ts';

/**
 * Tasmota (docs/protocol.md §Tasmota; tasmota/docs MQTT.md, Sonoff-Pow-R2.md, Zigbee.md). Device:
 * `source: { ecosystem: tasmota, address: <%topic%> }`; a Zigbee child of a Tasmota bridge is
 * `<%topic%>/<short address>` such as `zbbridge/0x099F`.
 *
 * - `LWT` plain text `Online`/`Offline` → status; `STATE` → heartbeat.
 * - `SENSOR` (and `STATUS8`'s `StatusSNS` wrapper): `ENERGY.Total` kWh → electricity.total,
 *   `ENERGY.Power` W → electricity.power (multi-channel arrays are summed), `COUNTER.C1` (or the
 *   key in `fields.pulses`) → pulses × pulseFactor. `Today`, `Yesterday` and `Period` are not
 *   totals and are ignored.
 * - `ZbReceived`: raw IAS zone status `0500!00`, `Contact` (**1 = open**, the opposite of
 *   Zigbee2MQTT), `Water`, `BatteryPercentage`.
 * - `Time` is local time without a zone and often wrong before NTP sync: read in the site's zone,
 *   then the clock rule (clock.ts) falls back to the broker time when it is absurd.
 */

const sum = (value: unknown): number | undefined => {
  if (Array.isArray(value)) {
    let total = 0;
    for (const v of value) {
      const n = vendorNumber(v);
      if (n === undefined) return undefined;
      total += n;
    }
    return total;
  }
  return vendorNumber(value);
};

function sensorParts(sensor: JsonObject, device: DeviceContext): BodyOrRejection[] {
  const parts: BodyOrRejection[] = [];
  const energy = sensor['ENERGY'];
  if (isObject(energy) && device.kind === 'electricity-meter') {
    if ('Total' in energy) {
      const total = sum(energy['Total']);
      parts.push(total === undefined ? reject('schema', `ENERGY.Total: ${JSON.stringify(energy['Total'])} is not a number`) : meterTotal(device, total, 'kWh'));
    }
    if ('Power' in energy) {
      const power = sum(energy['Power']);
      parts.push(power === undefined ? reject('schema', `ENERGY.Power: ${JSON.stringify(energy['Power'])} is not a number`) : meterRate(device, power, 'W'));
    }
  }
  const counter = sensor['COUNTER'];
  if (isObject(counter) && (device.kind === 'water-meter' || device.kind === 'electricity-meter')) {
    const key = device.device.source?.fields?.pulses ?? 'C1';
    if (key in counter) {
      const pulses = vendorNumber(counter[key]);
      parts.push(pulses === undefined ? reject('schema', `COUNTER.${key}: ${JSON.stringify(counter[key])} is not a number`) : meterPulses(device, pulses));
    }
  }
  return parts;
}

function zigbeeChildParts(attributes: JsonObject, device: DeviceContext): BodyOrRejection[] {
  const parts: BodyOrRejection[] = [];
  const zone = attributes['0500!00'];
  if (typeof zone === 'string') {
    const status = iasZoneStatusFromHex(zone);
    if (status === undefined) parts.push(reject('schema', `0500!00: ${JSON.stringify(zone)} is not an IAS zone status`));
    else parts.push(...iasZoneParts(status, device));
  }
  if ('Contact' in attributes) {
    const open = vendorBoolean(attributes['Contact']);
    parts.push(
      open === undefined ? reject('schema', `Contact: ${JSON.stringify(attributes['Contact'])} is not 0 or 1`) : { ok: true, body: { kind: 'contact', open } },
    );
  }
  if ('Water' in attributes) {
    const wet = vendorBoolean(attributes['Water']);
    parts.push(wet === undefined ? reject('schema', `Water: ${JSON.stringify(attributes['Water'])} is not 0 or 1`) : { ok: true, body: { kind: 'leak', wet } });
  }
  if ('BatteryPercentage' in attributes) {
    const percent = vendorNumber(attributes['BatteryPercentage']);
    parts.push(
      percent === undefined ? reject('schema', 'BatteryPercentage is not a number') : { ok: true, body: { kind: 'battery', percent, low: percent < 20 } },
    );
  }
  return parts;
}

export const tasmotaNormalizer: Normalizer = {
  id: 'tasmota',
  forSite(site) {
    const configured = site.sources.tasmota;
    if (configured === undefined && !site.uses('tasmota')) return undefined;
    const patterns = (configured?.fullTopics ?? [TASMOTA_DEFAULT_FULL_TOPIC]).map(compileTasmotaFullTopic);
    const parse = (topic: string) => {
      for (const p of patterns) {
        const parsed = p.parse(topic);
        if (parsed !== undefined) return parsed;
      }
      return undefined;
    };
    return {
      filters: patterns.flatMap((p) => p.filters),
      claims: (topic) => parse(topic) !== undefined,
      decode(input, devices): DecodeResult {
        const parsed = parse(input.topic);
        if (parsed === undefined) return emptyResult;
        const { message } = parsed;
        if (message !== 'LWT' && message !== 'STATE' && message !== 'SENSOR' && message !== 'STATUS8') return emptyResult;
        const device = devices.bySource('tasmota', parsed.topic);
        const messageId = contentHash(input.topic, input.payload);
        const unknown = () => rejected(reject('unknown-device', `Tasmota device "${parsed.topic}" is not in the site file`).rejection);
        if (message === 'LWT') {
          if (device === undefined) return unknown();
          const text = payloadText(input.payload);
          if (!text.ok) return rejected(text.rejection);
          const word = text.value.trim();
          if (word !== 'Online' && word !== 'Offline')
            return rejected(reject('schema', `LWT: expected Online or Offline, got ${JSON.stringify(word.slice(0, 40))}`).rejection);
          return new DecodeBatch().add(device, [{ ok: true, body: { kind: 'status', online: word === 'Online' } }], {
            deviceTs: undefined,
            receivedAt: input.receivedAt,
            messageId,
          });
        }
        const json = parseJsonObject(input.payload);
        if (!json.ok) return rejected(json.rejection);
        const sensor = message === 'STATUS8' && isObject(json.value['StatusSNS']) ? json.value['StatusSNS'] : json.value;
        const time = typeof sensor['Time'] === 'string' ? parseLocalIso(sensor['Time'], site.timezone) : undefined;
        const batch = new DecodeBatch();
        const zigbee = sensor['ZbReceived'];
        if (isObject(zigbee)) {
          for (const [shortAddress, attributes] of Object.entries(zigbee)) {
            const child = devices.bySource('tasmota', `${parsed.topic}/${shortAddress}`);
            if (child === undefined)
              batch.reject(reject('unknown-device', `Tasmota Zigbee device "${parsed.topic}/${shortAddress}" is not in the site file`).rejection);
            else if (isObject(attributes)) batch.add(child, zigbeeChildParts(attributes, child), { deviceTs: time, receivedAt: input.receivedAt, messageId });
          }
          if (device === undefined) return batch;
        }
        if (device === undefined) return unknown();
        return batch.add(device, message === 'STATE' ? [] : sensorParts(sensor, device), { deviceTs: time, receivedAt: input.receivedAt, messageId });
      },
    };
  },
};
