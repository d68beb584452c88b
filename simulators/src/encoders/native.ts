import type { EncodableDevice, Encoder, Observation, WireMessage } from '../observation.ts';
import { type NativeChannel, nativeChannelDefined, nativeTopic } from '../wire.ts';

/**
 * The native protocol (docs/protocol.md): meters on `reading`, alarms and door contacts on
 * `event`, card readers on `access`, availability, heartbeat and battery on `status` (retained,
 * the same topic as the device's MQTT last will).
 */

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;

/** A device with `scale` sends value ÷ scale (firmware reporting ×10); one with `invert` sends booleans inverted. */
const scaled = (device: EncodableDevice, value: number) => (device.scale === undefined ? value : value / device.scale);
const polarity = (device: EncodableDevice, value: boolean) => (device.invert ? !value : value);

function body(observation: Observation, device: EncodableDevice): { channel: NativeChannel; fields: Record<string, unknown> } | undefined {
  switch (observation.type) {
    case 'water':
      return device.pulseFactor === undefined
        ? { channel: 'reading', fields: { total: round(scaled(device, observation.totalLitres / 1000), 4), unit: 'm3' } }
        : { channel: 'reading', fields: { pulses: Math.floor(observation.totalLitres / device.pulseFactor) } };
    case 'electricity':
      return { channel: 'reading', fields: { total: round(scaled(device, observation.totalKwh), 3), unit: 'kWh' } };
    case 'fire':
      return {
        channel: 'event',
        fields: {
          type: 'fire',
          event: observation.event,
          ...(observation.zone ? { zone: observation.zone } : {}),
          ...(observation.point ? { point: observation.point } : {}),
        },
      };
    case 'gas':
      return { channel: 'event', fields: { type: 'gas', event: polarity(device, observation.alarm) ? 'alarm' : 'clear' } };
    case 'leak':
      return { channel: 'event', fields: { type: 'leak', wet: polarity(device, observation.wet) } };
    case 'contact':
      return { channel: 'event', fields: { type: 'contact', open: polarity(device, observation.open) } };
    case 'access':
      return {
        channel: 'access',
        fields: {
          event: observation.event,
          door: device.id,
          ...(observation.card ? { card: observation.card } : {}),
          ...(observation.reason ? { reason: observation.reason } : {}),
        },
      };
    case 'status':
      return { channel: 'status', fields: { online: observation.online } };
    case 'battery':
      return { channel: 'status', fields: { online: true, battery: observation.percent, batteryLow: observation.low } };
    case 'heartbeat':
      return { channel: 'status', fields: { online: true } };
  }
}

export const encodeNative: Encoder = (observation, device, ctx) => {
  const message = body(observation, device);
  if (message === undefined || !nativeChannelDefined(message.channel)) return [];
  const payload = { ts: ctx.ts, ...message.fields, seq: ctx.seq, ...(ctx.drill ? { drill: true } : {}) };
  const out: WireMessage = {
    topic: nativeTopic(ctx.siteId, device.id, message.channel),
    payload: JSON.stringify(payload),
    qos: 1,
    retain: message.channel === 'status',
  };
  return [out];
};
