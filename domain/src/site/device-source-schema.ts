import { z } from 'zod';

/**
 * How a device's messages reach the ingest when it does not speak the native protocol: the
 * ecosystem and the device's identity there. Owned by the normalizers (domain/src/normalizers/).
 */
export const ecosystems = ['native', 'zigbee2mqtt', 'tasmota', 'chirpstack', 'tts', 'cjt188', 'dlt645', 'neuron'] as const;
export type Ecosystem = (typeof ecosystems)[number];

export const deviceSourceSchema = z.strictObject({
  ecosystem: z.enum(ecosystems),
  /**
   * The device's identity in its ecosystem: Zigbee2MQTT friendly name, Tasmota topic, LoRaWAN
   * DevEUI (ChirpStack) or device id (The Things Stack), meter address (CJ/T 188, DL/T 645),
   * Neuron node/group.
   */
  address: z.string().min(1),
});
export type DeviceSource = z.infer<typeof deviceSourceSchema>;

/**
 * Per-site settings of each ecosystem (base topics and the like), so that several sites can share
 * one broker. Filled by the normalizers.
 */
export const siteSourcesSchema = z.strictObject({});
export type SiteSources = z.infer<typeof siteSourcesSchema>;
