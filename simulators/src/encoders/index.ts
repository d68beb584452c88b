import type { Ecosystem } from '@dutyroom/domain';
import type { Encoder } from '../observation.ts';
import { encodeEsprfid } from './esprfid.ts';
import { encodeChirpstack, encodeTts } from './lorawan.ts';
import { encodeCjt188, encodeDlt645, encodeNeuron } from './meter-frames.ts';
import { encodeNative } from './native.ts';
import { encodeTasmota } from './tasmota.ts';
import { encodeZigbee2mqtt } from './zigbee2mqtt.ts';

/** One encoder per ecosystem of the site schema: what a real device of that ecosystem publishes. */
export const encoders: Readonly<Record<Ecosystem, Encoder>> = {
  native: encodeNative,
  zigbee2mqtt: encodeZigbee2mqtt,
  tasmota: encodeTasmota,
  chirpstack: encodeChirpstack,
  tts: encodeTts,
  cjt188: encodeCjt188,
  dlt645: encodeDlt645,
  neuron: encodeNeuron,
  esprfid: encodeEsprfid,
};
