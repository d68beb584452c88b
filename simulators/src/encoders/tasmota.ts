import type { Encoder } from '../observation.ts';
import { ecosystemTopics } from '../wire.ts';
import { localTime } from './frames.ts';

/**
 * Tasmota telemetry on the default FullTopic: `tele/<topic>/SENSOR` every TelePeriod, with
 * `ENERGY` (Total kWh since TotalStartTime, Power W, Voltage V, Current A) for an energy meter or
 * `COUNTER.C1` (raw pulses) for a pulse-counting water meter; `tele/<topic>/LWT` is plain text
 * `Online`/`Offline`, retained (tasmota/docs MQTT.md). `Time` is local time without a zone.
 */
const localIso = (ts: number, timeZone: string) => {
  const t = localTime(ts, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.year}-${p(t.month)}-${p(t.day)}T${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
};

export const encodeTasmota: Encoder = (observation, device, ctx) => {
  const time = localIso(ctx.ts, ctx.timeZone);
  const scale = (n: number) => (device.scale === undefined ? n : n / device.scale);
  let sensor: Record<string, unknown>;
  switch (observation.type) {
    case 'electricity': {
      const watts = Math.round(observation.powerKw * 1000);
      const voltage = 218 + Math.floor(ctx.random() * 8);
      sensor = {
        Time: time,
        ENERGY: {
          TotalStartTime: '2025-09-01T10:00:00',
          Total: Math.round(scale(observation.totalKwh) * 1000) / 1000,
          Power: watts,
          Factor: watts === 0 ? 0 : 0.95,
          Voltage: voltage,
          Current: Math.round((watts / voltage / 0.95) * 1000) / 1000,
        },
      };
      break;
    }
    case 'water':
      if (device.pulseFactor === undefined) return [];
      sensor = { Time: time, COUNTER: { C1: Math.floor(observation.totalLitres / device.pulseFactor) % 2 ** 32 } };
      break;
    case 'status':
      return [
        { topic: ecosystemTopics.tasmota(ctx.settings, device.address, 'LWT'), payload: observation.online ? 'Online' : 'Offline', qos: 1, retain: true },
      ];
    default:
      return [];
  }
  return [{ topic: ecosystemTopics.tasmota(ctx.settings, device.address, 'SENSOR'), payload: JSON.stringify(sensor), qos: 0, retain: false }];
};
