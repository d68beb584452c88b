import type { Ecosystem } from '@dutyroom/domain';

/**
 * Device entries of a generated site: ids, ecosystem addresses and quirks as real installations
 * have them (CJ/T 188 and DL/T 645 meter addresses in BCD digits, Zigbee2MQTT friendly names,
 * Tasmota topics, LoRaWAN DevEUIs).
 */
export interface DeviceEntry {
  id: string;
  kind: string;
  source?: { ecosystem: Ecosystem; address: string; fields?: Record<string, string> };
  pulseFactor?: number;
  hasValve?: boolean;
  gateway?: string;
  zone?: string;
  fireDoor?: boolean;
  heartbeatSeconds?: number;
  invert?: boolean;
  scale?: number;
  clock?: 'device' | 'broker';
}

/** How the meters of one group of units reach the network. */
export type MeterWiring =
  | { readonly water: 'native'; readonly electricity: 'native' }
  | { readonly water: 'native-pulses'; readonly electricity: 'native' }
  | { readonly water: 'cjt188'; readonly electricity: 'dlt645'; readonly waterGateway: string; readonly electricityGateway: string }
  | { readonly water: 'chirpstack'; readonly electricity: 'tasmota' }
  | { readonly water: 'chirpstack-pulses'; readonly electricity: 'zigbee2mqtt' }
  | { readonly water: 'tts'; readonly electricity: 'neuron'; readonly electricityGateway: string };

/** A running number turned into fixed-width digits, so every address of a site is unique and stable. */
const digits = (n: number, width: number) => String(n).padStart(width, '0');
const hexOf = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function meterDevices(unitId: string, serial: number, wiring: MeterWiring, hasValve: boolean, zigbeeBridge: string, loraGateway: string): DeviceEntry[] {
  const water: DeviceEntry = { id: `wm-${unitId}`, kind: 'water-meter', ...(hasValve ? { hasValve: true } : {}) };
  const electricity: DeviceEntry = { id: `em-${unitId}`, kind: 'electricity-meter' };
  switch (wiring.water) {
    case 'native':
      break;
    case 'native-pulses':
      // A reed-switch meter: 10 L per pulse.
      water.pulseFactor = 10;
      break;
    case 'cjt188':
      // 14 BCD digits, manufacturer code 7833 in the high bytes.
      water.source = { ecosystem: 'cjt188', address: `7833${digits(serial, 10)}` };
      water.gateway = wiring.waterGateway;
      break;
    case 'chirpstack':
      water.source = { ecosystem: 'chirpstack', address: `a84041${hexOf(serial, 10)}` };
      water.gateway = loraGateway;
      break;
    case 'chirpstack-pulses':
      water.source = { ecosystem: 'chirpstack', address: `24e124${hexOf(serial, 10)}` };
      water.pulseFactor = 10;
      water.gateway = loraGateway;
      break;
    case 'tts':
      // The Things Stack's default device id is `eui-<DevEUI>`.
      water.source = { ecosystem: 'tts', address: `eui-70b3d5${hexOf(serial, 10)}` };
      water.gateway = loraGateway;
      break;
  }
  switch (wiring.electricity) {
    case 'native':
      break;
    case 'dlt645':
      electricity.source = { ecosystem: 'dlt645', address: digits(serial, 12) };
      electricity.gateway = wiring.electricityGateway;
      break;
    case 'neuron':
      // One Neuron group per meter; its DL/T 645 tag `<address>#00-01-00-00` is named total_energy.
      electricity.source = {
        ecosystem: 'neuron',
        address: `${wiring.electricityGateway}/m${digits(serial, 12)}`,
        fields: { 'electricity.total': 'total_energy' },
      };
      electricity.gateway = wiring.electricityGateway;
      break;
    case 'tasmota':
      electricity.source = { ecosystem: 'tasmota', address: `tasmota_${hexOf(serial, 6).toUpperCase()}` };
      break;
    case 'zigbee2mqtt':
      // Firmware of this plug reports energy ×10 (Koenkk/zigbee2mqtt receive.test.ts, SP600 old firmware).
      electricity.source = { ecosystem: 'zigbee2mqtt', address: `energy-${unitId}` };
      electricity.gateway = zigbeeBridge;
      if (serial % 2 === 0) electricity.scale = 0.1;
      break;
  }
  return [water, electricity];
}

/** A kitchen leak sensor: Zigbee (Tuya/Aqara via Zigbee2MQTT) or LoRaWAN (Milesight EM300-SLD). */
export function leakSensor(unitId: string, serial: number, zigbee: boolean, zigbeeBridge: string, loraGateway: string): DeviceEntry {
  return zigbee
    ? { id: `ls-${unitId}`, kind: 'leak-sensor', source: { ecosystem: 'zigbee2mqtt', address: `leak-${unitId}` }, gateway: zigbeeBridge }
    : { id: `ls-${unitId}`, kind: 'leak-sensor', source: { ecosystem: 'chirpstack', address: `24e124${hexOf(serial + 500_000, 10)}` }, gateway: loraGateway };
}

export function gasDetector(unitId: string, zigbeeBridge: string): DeviceEntry {
  return { id: `gd-${unitId}`, kind: 'gas-detector', source: { ecosystem: 'zigbee2mqtt', address: `gas-${unitId}` }, gateway: zigbeeBridge };
}
