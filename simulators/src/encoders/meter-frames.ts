import type { Encoder } from '../observation.ts';
import { ecosystemTopics } from '../wire.ts';
import { encodeCjt188Reply } from './cjt188.ts';
import { encodeDlt645Reply } from './dlt645.ts';
import { toHex } from './frames.ts';

/**
 * Meters on RS-485/M-Bus read by a concentrator (集中器) or DTU that passes each reply frame
 * through (透传) as hex text on `<prefix>/<gateway>/up`. A meter without a gateway has its own DTU,
 * addressed by the meter address. Settlement-day registers are the total at the start of the month
 * in this simulation: what a real meter stores is the reading on its settlement day.
 */
export const encodeCjt188: Encoder = (observation, device, ctx) => {
  if (observation.type !== 'water') return [];
  const totalM3 = observation.totalLitres / 1000;
  const frame = encodeCjt188Reply({
    address: device.address,
    totalM3,
    settlementM3: Math.max(0, totalM3 - 3),
    ts: ctx.ts,
    timeZone: ctx.timeZone,
    valveClosed: observation.valveClosed,
    batteryLow: observation.batteryLow,
    serial: ctx.seq,
    edition: '2004',
  });
  return [{ topic: ecosystemTopics.concentratorUp(ctx.settings, device.gatewayAddress ?? device.address), payload: toHex(frame), qos: 1, retain: false }];
};

export const encodeDlt645: Encoder = (observation, device, ctx) => {
  if (observation.type !== 'electricity') return [];
  const frame = encodeDlt645Reply({ address: device.address, totalKwh: observation.totalKwh });
  return [{ topic: ecosystemTopics.concentratorUp(ctx.settings, device.gatewayAddress ?? device.address), payload: toHex(frame), qos: 1, retain: false }];
};

/**
 * EMQX Neuron decoding a DL/T 645 meter itself: `{timestamp, node, group, values, errors, metas}`
 * on `/neuron/<node>`, the tag named by its address `meter#DI3-DI2-DI1-DI0` (emqx/neuron-docs).
 */
export const encodeNeuron: Encoder = (observation, device, ctx) => {
  if (observation.type !== 'electricity') return [];
  const node = device.gatewayAddress ?? 'dlt645';
  const payload = {
    timestamp: ctx.ts,
    node,
    group: 'meters',
    values: { [`${device.address}#00-01-00-00`]: Math.round(observation.totalKwh * 100) / 100 },
    errors: {},
    metas: {},
  };
  return [{ topic: ecosystemTopics.neuronUpload(node), payload: JSON.stringify(payload), qos: 1, retain: false }];
};
