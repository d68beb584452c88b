import type { EncodableDevice, EncodeContext, Encoder, Observation } from '../observation.ts';
import { ecosystemTopics } from '../wire.ts';

/**
 * LoRaWAN uplinks as ChirpStack v4 (JSON integration) and The Things Stack v3 publish them, with
 * the device profile's codec output (`object` / `decoded_payload`) next to the base64 FRMPayload.
 * Codecs (TheThingsNetwork/lorawan-devices, chirpstack/lorawan-device-profiles):
 * - Axioma Qalcosonic W1 water meter: `current_volume_m3`, `leakage`, `burst`, `backflow`;
 * - Milesight EM300-DI pulse counter: `pulse` (raw pulses), `battery` %;
 * - Milesight EM300-SLD leak sensor: `water` "leak" | "normal", `battery` %.
 */

interface Uplink {
  readonly profile: string;
  readonly fPort: number;
  readonly bytes: number[];
  readonly decoded: Record<string, unknown>;
}

const uint32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

function uplinkOf(observation: Observation, device: EncodableDevice): Uplink | undefined {
  switch (observation.type) {
    case 'water': {
      if (device.pulseFactor !== undefined) {
        const pulse = Math.floor(observation.totalLitres / device.pulseFactor) >>> 0;
        return { profile: 'Milesight EM300-DI', fPort: 85, bytes: [0x05, 0xc8, ...uint32le(pulse)], decoded: { pulse } };
      }
      const litres = Math.round(observation.totalLitres);
      return {
        profile: 'Axioma Qalcosonic W1',
        fPort: 100,
        bytes: [0x00, ...uint32le(litres), 0x00],
        decoded: { current_volume_m3: litres / 1000, leakage: false, burst: false, backflow: false },
      };
    }
    case 'leak': {
      const wet = device.invert ? !observation.wet : observation.wet;
      return { profile: 'Milesight EM300-SLD', fPort: 85, bytes: [0x05, 0x00, wet ? 1 : 0], decoded: { water: wet ? 'leak' : 'normal' } };
    }
    case 'battery':
      return {
        profile: device.kind === 'leak-sensor' ? 'Milesight EM300-SLD' : 'Milesight EM300-DI',
        fPort: 85,
        bytes: [0x01, 0x75, Math.round(observation.percent)],
        decoded: { battery: Math.round(observation.percent) },
      };
    default:
      return undefined;
  }
}

const base64 = (bytes: readonly number[]) => Buffer.from(bytes).toString('base64');
const hex = (random: () => number, digits: number) => Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');
const uuid = (random: () => number) => {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
};
const devAddr = (address: string) => `0${address.slice(-7)}`.toLowerCase();

export const encodeChirpstack: Encoder = (observation, device, ctx) => {
  const deviceInfo = {
    tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242',
    tenantName: 'ChirpStack',
    applicationId: ctx.settings.chirpstackApplicationId,
    applicationName: ctx.siteId,
    deviceProfileId: '14855bf7-d10d-4aee-b618-ebfcb64dc7ad',
    deviceName: device.id,
    devEui: device.address,
    deviceClassEnabled: 'CLASS_A',
    tags: {},
  };
  const time = new Date(ctx.ts).toISOString();
  if (observation.type === 'battery') {
    const status = {
      deduplicationId: uuid(ctx.random),
      time,
      deviceInfo: { ...deviceInfo, deviceProfileName: 'LoRaWAN device' },
      margin: 10,
      externalPowerSource: false,
      batteryLevel: Math.round(observation.percent * 10) / 10,
    };
    return [{ topic: ecosystemTopics.chirpstackStatus(ctx.settings, device.address), payload: JSON.stringify(status), qos: 1, retain: false }];
  }
  const uplink = uplinkOf(observation, device);
  if (uplink === undefined) return [];
  const event = {
    deduplicationId: uuid(ctx.random),
    time,
    deviceInfo: { ...deviceInfo, deviceProfileName: uplink.profile },
    devAddr: devAddr(device.address),
    adr: true,
    dr: 5,
    fCnt: ctx.seq,
    fPort: uplink.fPort,
    confirmed: false,
    data: base64(uplink.bytes),
    object: uplink.decoded,
    rxInfo: [
      { gatewayId: '0016c001f153a14c', uplinkId: Math.floor(ctx.random() * 2 ** 32), rssi: -60 - Math.floor(ctx.random() * 50), snr: 7.5, crcStatus: 'CRC_OK' },
    ],
    txInfo: { frequency: 486300000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: 'CR_4_5' } } },
    regionConfigId: 'cn470_10',
  };
  return [{ topic: ecosystemTopics.chirpstackUp(ctx.settings, device.address), payload: JSON.stringify(event), qos: 1, retain: false }];
};

/** The Things Stack omits zero, false and empty fields: `f_cnt` 0 is absent (lorawan-stack-docs). Its broker is QoS 0 only. */
export const encodeTts: Encoder = (observation, device, ctx: EncodeContext) => {
  const uplink = uplinkOf(observation, device);
  if (uplink === undefined) return [];
  const receivedAt = new Date(ctx.ts).toISOString();
  const message = {
    end_device_ids: {
      device_id: device.address,
      application_ids: { application_id: ctx.settings.ttsApplicationId },
      dev_eui: device.address.replace(/^eui-/, '').toUpperCase(),
      dev_addr: devAddr(device.address).toUpperCase(),
    },
    correlation_ids: [`as:up:${hex(ctx.random, 26).toUpperCase()}`],
    received_at: receivedAt,
    uplink_message: {
      f_port: uplink.fPort,
      ...(ctx.seq > 0 ? { f_cnt: ctx.seq } : {}),
      frm_payload: base64(uplink.bytes),
      decoded_payload: uplink.decoded,
      rx_metadata: [
        { gateway_ids: { gateway_id: 'eui-0016c001f153a14c', eui: '0016C001F153A14C' }, rssi: -72, channel_rssi: -72, snr: 8.25, received_at: receivedAt },
      ],
      settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7, coding_rate: '4/5' } }, frequency: '486300000' },
      received_at: receivedAt,
      consumed_airtime: '0.061696s',
      version_ids: { brand_id: uplink.profile.split(' ')[0]?.toLowerCase(), model_id: uplink.profile.split(' ').at(-1)?.toLowerCase() },
    },
  };
  return [{ topic: ecosystemTopics.ttsUp(ctx.settings, device.address), payload: JSON.stringify(message), qos: 0, retain: false }];
};
