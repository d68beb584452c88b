import { reject } from '../model/rejection.ts';
import { BATTERY_LOW_PERCENT } from '../schemas/native-payloads.ts';
import type { SourceFieldKind } from '../site/device-source-schema.ts';
import type { DeviceContext } from '../site/site-index.ts';
import { type BodyOrRejection, meterPulses, meterRate, meterTotal } from './device-quirks.ts';
import { type JsonObject, vendorBoolean, vendorNumber } from './json-payload.ts';

/**
 * A codec's decoded object (ChirpStack `object`, TTS `decoded_payload`, Neuron `values`) → reading
 * bodies. Keys are the codec's: the device's `source.fields` names them per reading kind
 * (`{ leak: water_leak, pulses: pulse }`). Without `fields`, the keys of common codecs below are
 * tried (device-ecosystems.md §4: Milesight `water: leak|normal`, `pulse`; Dragino
 * `WATER_LEAK_STATUS`; Axioma `current_volume_m3`, `leakage`). Totals are in the device's
 * `totalUnit` (default m³ or kWh), flow in m³/h, power in kW; `scale` adjusts the rest.
 */
const defaultKeys: Readonly<Partial<Record<SourceFieldKind, readonly string[]>>> = {
  'water.total': ['current_volume_m3', 'water_total', 'volume'],
  'electricity.total': ['energy', 'total_energy', 'active_energy'],
  pulses: ['pulse', 'pulses', 'pulse_count'],
  leak: ['water_leak', 'water', 'leak', 'leakage', 'WATER_LEAK_STATUS'],
  gas: ['gas', 'gas_alarm'],
  fire: ['smoke', 'smoke_alarm', 'fire_alarm'],
  tamper: ['tamper', 'tamper_status'],
  contact: ['door', 'magnet_status', 'door_status'],
  battery: ['battery', 'battery_level', 'batteryLevel'],
  batteryLow: ['battery_low', 'low_battery'],
};

const meterOnly: ReadonlySet<SourceFieldKind> = new Set(['water.total', 'electricity.total', 'pulses', 'water.flow', 'electricity.power']);

type Fields = Partial<Record<SourceFieldKind, string>>;

function keyFor(kind: SourceFieldKind, object: JsonObject, fields: Fields | undefined): string | undefined {
  if (fields !== undefined) {
    const key = fields[kind];
    return key !== undefined && key in object ? key : undefined;
  }
  return defaultKeys[kind]?.find((k) => k in object);
}

export function decodedObjectParts(object: JsonObject, device: DeviceContext): BodyOrRejection[] {
  const fields = device.device.source?.fields;
  const isMeter = device.kind === 'water-meter' || device.kind === 'electricity-meter';
  const parts: BodyOrRejection[] = [];
  const read = <T>(kind: SourceFieldKind, parse: (v: unknown) => T | undefined, what: string, make: (v: T) => BodyOrRejection) => {
    if (meterOnly.has(kind) && !isMeter && fields === undefined) return;
    const key = keyFor(kind, object, fields);
    if (key === undefined) return;
    const value = parse(object[key]);
    parts.push(value === undefined ? reject('schema', `${key}: ${JSON.stringify(object[key])} is not ${what}`) : make(value));
  };
  read('water.total', vendorNumber, 'a number', (v) => meterTotal(device, v));
  read('electricity.total', vendorNumber, 'a number', (v) => meterTotal(device, v));
  read('pulses', vendorNumber, 'a number', (v) => meterPulses(device, v));
  read('water.flow', vendorNumber, 'a number', (v) => meterRate(device, v, 'm3/h'));
  read('electricity.power', vendorNumber, 'a number', (v) => meterRate(device, v, 'kW'));
  read('leak', vendorBoolean, 'a leak state', (wet) => ({ ok: true, body: { kind: 'leak', wet } }));
  read('gas', vendorBoolean, 'a gas state', (alarm) => ({ ok: true, body: { kind: 'gas', event: alarm ? 'alarm' : 'clear' } }));
  read('fire', vendorBoolean, 'a smoke state', (alarm) => ({
    ok: true,
    body: { kind: 'fire', event: alarm ? 'alarm' : 'reset', zone: device.device.zone, point: undefined },
  }));
  read('tamper', vendorBoolean, 'a tamper state', (active) => ({ ok: true, body: { kind: 'tamper', active } }));
  read('contact', vendorBoolean, 'a door state', (open) => ({ ok: true, body: { kind: 'contact', open } }));
  read('lock', vendorBoolean, 'a lock state', (locked) => ({ ok: true, body: { kind: 'lock', locked } }));
  const batteryKey = keyFor('battery', object, fields);
  const lowKey = keyFor('batteryLow', object, fields);
  if (batteryKey !== undefined || lowKey !== undefined) {
    const percent = batteryKey === undefined ? undefined : vendorNumber(object[batteryKey]);
    const low = lowKey === undefined ? undefined : vendorBoolean(object[lowKey]);
    if (batteryKey !== undefined && percent === undefined) parts.push(reject('schema', `${batteryKey}: ${JSON.stringify(object[batteryKey])} is not a number`));
    else if (lowKey !== undefined && low === undefined) parts.push(reject('schema', `${lowKey}: ${JSON.stringify(object[lowKey])} is not a boolean`));
    else parts.push({ ok: true, body: { kind: 'battery', percent, low: low ?? (percent !== undefined && percent < BATTERY_LOW_PERCENT) } });
  }
  return parts;
}
