import type { DeviceContext } from '../site/site-index.ts';
import type { BodyOrRejection } from './device-quirks.ts';

/**
 * Zigbee IAS Zone status bits (ZCL 8.2.2.2.1.3; herdsman-converters fromZigbee): bit 0 alarm1,
 * bit 2 tamper, bit 3 battery low. What alarm1 means depends on the device: wet for a leak
 * sensor, smoke for a smoke detector, gas for a gas detector, open for a door contact.
 */
export function iasZoneParts(status: number, device: DeviceContext): BodyOrRejection[] {
  const alarm = (status & 0x0001) !== 0;
  const parts: BodyOrRejection[] = [];
  switch (device.kind) {
    case 'leak-sensor':
      parts.push({ ok: true, body: { kind: 'leak', wet: alarm } });
      break;
    case 'smoke-detector':
      parts.push({ ok: true, body: { kind: 'fire', event: alarm ? 'alarm' : 'reset', zone: device.device.zone, point: undefined } });
      break;
    case 'gas-detector':
      parts.push({ ok: true, body: { kind: 'gas', event: alarm ? 'alarm' : 'clear' } });
      break;
    case 'door-contact':
      parts.push({ ok: true, body: { kind: 'contact', open: alarm } });
      break;
    default:
      break;
  }
  parts.push({ ok: true, body: { kind: 'tamper', active: (status & 0x0004) !== 0 } });
  parts.push({ ok: true, body: { kind: 'battery', percent: undefined, low: (status & 0x0008) !== 0 } });
  return parts;
}

/** Tasmota's raw attribute `"0500!00":"010000FF0000"`: the zone status is the first two bytes, little-endian. */
export function iasZoneStatusFromHex(text: string): number | undefined {
  if (text.length < 4) return undefined;
  const lo = Number.parseInt(text.slice(0, 2), 16);
  const hi = Number.parseInt(text.slice(2, 4), 16);
  return Number.isNaN(lo) || Number.isNaN(hi) ? undefined : lo | (hi << 8);
}
