import type { DeviceChannel } from '@dutyroom/domain';
import type { EncodableDevice, Encoder, Observation } from '../observation.ts';
import { nativeTopic } from '../wire.ts';

/**
 * The native protocol (docs/protocol.md, domain/src/schemas/native-payloads.ts): one channel per
 * kind of message — `reading` and `flow` for meters, `fire`, `gas`, `leak`, `contact`, `access`,
 * `battery`, `heartbeat`, and `status` (retained; the same topic as the device's MQTT last will).
 */

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;

/** A device with `scale` sends value ÷ scale (firmware reporting ×10); one with `invert` sends booleans inverted. */
const scaled = (device: EncodableDevice, value: number) => (device.scale === undefined ? value : value / device.scale);
const polarity = (device: EncodableDevice, value: boolean) => (device.invert ? !value : value);

type Body = { readonly channel: DeviceChannel; readonly fields: Readonly<Record<string, unknown>> };

function bodies(observation: Observation, device: EncodableDevice): Body[] {
  switch (observation.type) {
    case 'water':
      return [
        device.pulseFactor === undefined
          ? { channel: 'reading', fields: { total: round(scaled(device, observation.totalLitres / 1000), 4), unit: 'm3' } }
          : { channel: 'reading', fields: { pulses: Math.floor(observation.totalLitres / device.pulseFactor) } },
      ];
    case 'electricity':
      return [
        { channel: 'reading', fields: { total: round(scaled(device, observation.totalKwh), 3), unit: 'kWh' } },
        { channel: 'flow', fields: { value: round(scaled(device, observation.powerKw), 3), unit: 'kW' } },
      ];
    case 'fire':
      return [
        {
          channel: 'fire',
          fields: {
            event: observation.event,
            ...(observation.zone ? { zone: observation.zone } : {}),
            ...(observation.point ? { point: observation.point } : {}),
          },
        },
      ];
    case 'gas':
      return [{ channel: 'gas', fields: { event: polarity(device, observation.alarm) ? 'alarm' : 'clear' } }];
    case 'leak':
      return [{ channel: 'leak', fields: { event: polarity(device, observation.wet) ? 'wet' : 'dry' } }];
    case 'contact':
      return [{ channel: 'contact', fields: { event: polarity(device, observation.open) ? 'open' : 'closed' } }];
    case 'access':
      return [
        {
          channel: 'access',
          fields: {
            event: observation.event,
            door: device.id,
            ...(observation.card ? { card: observation.card } : {}),
            ...(observation.reason ? { reason: observation.reason } : {}),
          },
        },
      ];
    case 'status':
      return [{ channel: 'status', fields: { state: observation.online ? 'online' : 'offline' } }];
    case 'battery':
      return [{ channel: 'battery', fields: { percent: observation.percent, low: observation.low } }];
    case 'heartbeat':
      return [{ channel: 'heartbeat', fields: {} }];
  }
}

export const encodeNative: Encoder = (observation, device, ctx) =>
  bodies(observation, device).map(({ channel, fields }) => ({
    topic: nativeTopic(ctx.siteId, device.id, channel),
    payload: JSON.stringify({ ts: ctx.ts, ...fields, seq: ctx.seq, ...(ctx.drill ? { drill: true } : {}) }),
    qos: 1 as const,
    retain: channel === 'status',
  }));
