import { esprfidTopics } from '@dutyroom/domain';
import type { Encoder } from '../observation.ts';

/**
 * esp-rfid door controllers (RFID reader, relay, door sensor): JSON on `<TOPIC>/send`, `time` in
 * epoch seconds (esprfid/esp-rfid README-ADDON.md "Messages sent by ESP-RFID"). Access levels:
 * Always/Admin granted; Denied (unknown card), Disabled (deactivated), Expired. No last will:
 * `boot` says online, `heartbeat` every 180 s is the liveness. A forced door has no message of
 * its own: the door sensor says "Door Open" without a grant before it.
 */
const LEVEL_OF_REASON: Readonly<Record<string, string>> = { unknown: 'Denied', deactivated: 'Disabled', expired: 'Expired' };

export const encodeEsprfid: Encoder = (observation, device, ctx) => {
  const time = Math.floor(ctx.ts / 1000);
  const door = device.id;
  let message: Record<string, unknown>;
  switch (observation.type) {
    case 'access':
      if (observation.event === 'granted' || observation.event === 'denied') {
        const granted = observation.event === 'granted';
        const level = granted ? 'Always' : (LEVEL_OF_REASON[observation.reason ?? 'unknown'] ?? 'Denied');
        const known = granted || level !== 'Denied';
        // The firmware writes `isKnown` (src/mqtt.esp), the README `isknown`.
        message = {
          type: 'access',
          time,
          isKnown: String(known),
          access: level,
          username: known ? `住户${observation.card ?? ''}` : 'Unknown',
          uid: observation.card ?? '',
          door,
        };
      } else if (observation.event === 'forced' || observation.event === 'opened')
        message = { type: 'INFO', src: 'door', desc: 'Door Open', data: '', time, cmd: 'event', door };
      else if (observation.event === 'closed') message = { type: 'INFO', src: 'door', desc: 'Door Closed', data: '', time, cmd: 'event', door };
      else return [];
      break;
    case 'contact':
      message = { type: 'INFO', src: 'door', desc: observation.open ? 'Door Open' : 'Door Closed', data: '', time, cmd: 'event', door };
      break;
    case 'heartbeat':
      message = { type: 'heartbeat', time, ip: `192.168.10.${10 + (ctx.seq % 200)}`, door };
      break;
    case 'status':
      if (!observation.online) return [];
      message = { type: 'boot', time, 'Wifi SSID': 'property-iot', 'Local IP': '192.168.10.20' };
      break;
    default:
      return [];
  }
  return [{ topic: esprfidTopics.send(device.address), payload: JSON.stringify(message), qos: 1, retain: false }];
};
