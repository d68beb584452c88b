import type { Encoder } from '../observation.ts';
import { ecosystemTopics } from '../wire.ts';
import { encodeCjt188Reply } from './cjt188.ts';
import { encodeDlt645Reply } from './dlt645.ts';
import { toHex } from './frames.ts';

/**
 * Meters on RS-485/M-Bus read by a concentrator (集中器) or DTU that passes each reply frame
 * through (透传) as hex text on `<prefix>/<gateway>/up`. A meter without a gateway has its own DTU,
 * addressed by the meter address. A concentrator reads its meters in one polling round and relays
 * the round's frames in one message (the simulation joins them). Settlement-day registers are the total at the start of the month
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
  return [{ topic: ecosystemTopics.frames(ctx.settings, device.gatewayId ?? device.id, true), payload: toHex(frame), qos: 1, retain: false, batchable: true }];
};

/** DL/T 645 concentrators here relay on the native `frames` channel of the gateway device: both frame paths get exercised. */
export const encodeDlt645: Encoder = (observation, device, ctx) => {
  if (observation.type !== 'electricity') return [];
  const frame = encodeDlt645Reply({ address: device.address, totalKwh: observation.totalKwh });
  return [{ topic: ecosystemTopics.frames(ctx.settings, device.gatewayId ?? device.id, false), payload: toHex(frame), qos: 1, retain: false, batchable: true }];
};

/**
 * EMQX Neuron decoding a DL/T 645 meter itself: `{timestamp, node, group, values, errors, metas}`
 * on its upload topic (emqx/neuron-docs north-apps/mqtt/api.md). The device's address is
 * `<south node>/<group>`; the tag (address `meter#00-01-00-00`) has the name `source.fields` gives.
 */
export const encodeNeuron: Encoder = (observation, device, ctx) => {
  if (observation.type !== 'electricity') return [];
  const [node = device.address, group = 'default'] = device.address.split('/');
  const tag = device.fields?.['electricity.total'] ?? 'total_energy';
  const payload = { timestamp: ctx.ts, node, group, values: { [tag]: Math.round(observation.totalKwh * 100) / 100 }, errors: {}, metas: {} };
  return [{ topic: ecosystemTopics.neuronUpload(ctx.settings), payload: JSON.stringify(payload), qos: 1, retain: false }];
};
