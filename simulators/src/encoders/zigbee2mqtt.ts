import type { Encoder } from '../observation.ts';
import { ecosystemTopics } from '../wire.ts';

/**
 * Zigbee2MQTT state messages (`<base>/<friendly_name>`), with `cache_state` off: each message holds
 * only what the device just reported, so a missing key means "unknown" (Koenkk/zigbee2mqtt #5373).
 * Field names from zigbee-herdsman-converters (IAS zone bits): `water_leak`, `smoke`, `gas`,
 * `contact` (true = CLOSED), `tamper`, `battery_low`, `test`; `energy` kWh and `power` W for plugs.
 * Availability: `<base>/<friendly_name>/availability`, retained, `{"state":"online"|"offline"}`.
 */
export const encodeZigbee2mqtt: Encoder = (observation, device, ctx) => {
  const linkquality = 40 + Math.floor(ctx.random() * 180);
  const invert = (b: boolean) => (device.invert ? !b : b);
  const scale = (n: number) => (device.scale === undefined ? n : n / device.scale);
  let state: Record<string, unknown>;
  switch (observation.type) {
    case 'electricity':
      state = { energy: Math.round(scale(observation.totalKwh) * 100) / 100, power: Math.round(scale(observation.powerKw * 1000) * 10) / 10 };
      break;
    case 'water':
      // Slacky-DIY Zigbee water meter: `volume` in litres.
      state = { volume: Math.round(scale(observation.totalLitres)) };
      break;
    case 'fire':
      if (observation.event === 'test') state = { smoke: false, test: true };
      else if (observation.event === 'fault') state = { trouble: true };
      else state = { smoke: invert(observation.event === 'alarm'), test: false };
      break;
    case 'gas':
      state = { gas: invert(observation.alarm) };
      break;
    case 'leak':
      state = { water_leak: invert(observation.wet), tamper: false };
      break;
    case 'contact':
      // `contact: true` means the magnet is near: the door is closed.
      state = { contact: invert(!observation.open) };
      break;
    case 'battery':
      state = { battery: Math.round(observation.percent), battery_low: observation.low, voltage: Math.round(2500 + observation.percent * 5) };
      break;
    case 'heartbeat':
      state = {};
      break;
    case 'status':
      // The coordinator itself: `<base>/bridge/state`, retained, also the bridge's MQTT last will (lib/mqtt.ts).
      if (device.kind === 'gateway')
        return [
          {
            topic: ecosystemTopics.zigbee2mqttBridgeState(ctx.settings),
            payload: JSON.stringify({ state: observation.online ? 'online' : 'offline' }),
            qos: 1,
            retain: true,
          },
        ];
      return [
        {
          topic: ecosystemTopics.zigbee2mqttAvailability(ctx.settings, device.address),
          payload: JSON.stringify({ state: observation.online ? 'online' : 'offline' }),
          qos: 1,
          retain: true,
        },
      ];
    case 'access':
      return [];
  }
  return [{ topic: ecosystemTopics.zigbee2mqttState(ctx.settings, device.address), payload: JSON.stringify({ ...state, linkquality }), qos: 0, retain: false }];
};
