import { z } from 'zod';
import { NEURON_DEFAULT_TOPIC, TASMOTA_DEFAULT_FULL_TOPIC, ZIGBEE2MQTT_DEFAULT_BASE_TOPIC } from '../topics.ts';

/**
 * How a device's messages reach the ingest when it does not speak the native protocol: the
 * ecosystem and the device's identity there. Owned by the normalizers (domain/src/normalizers/),
 * documented in docs/protocol.md §Ecosystems.
 */
export const ecosystems = ['native', 'zigbee2mqtt', 'tasmota', 'chirpstack', 'tts', 'cjt188', 'dlt645', 'neuron', 'esprfid'] as const;
export type Ecosystem = (typeof ecosystems)[number];

/**
 * Vendor keys that carry each reading, for ecosystems whose payload keys are chosen by a codec or
 * an integrator (ChirpStack `object`, TTS `decoded_payload`, Neuron tag names, a Tasmota counter).
 * LoRaWAN codecs differ per device profile, so the adapter cannot guess them (device-ecosystems.md §4).
 */
export const sourceFieldKinds = [
  'water.total',
  'electricity.total',
  /** A pulse counter: × the device's `pulseFactor` into `water.total` or `electricity.total`. */
  'pulses',
  'water.flow',
  'electricity.power',
  'leak',
  'gas',
  'fire',
  'tamper',
  'contact',
  'lock',
  'battery',
  'batteryLow',
] as const;
export type SourceFieldKind = (typeof sourceFieldKinds)[number];

export const deviceSourceSchema = z.strictObject({
  ecosystem: z.enum(ecosystems),
  /**
   * The device's identity in its ecosystem: Zigbee2MQTT friendly name (`bridge` for the bridge
   * itself), Tasmota topic (`<topic>/<short address>` for a Tasmota Zigbee child), LoRaWAN DevEUI
   * (ChirpStack) or device id (The Things Stack), meter address as printed on the meter (CJ/T 188:
   * 14 digits, DL/T 645: 12 digits), Neuron `<node>/<group>` or `<node>`, esp-rfid the controller's
   * MQTT TOPIC (`/rfid`).
   */
  address: z.string().min(1),
  /** Which vendor key holds which reading; see `sourceFieldKinds`. */
  fields: z.partialRecord(z.enum(sourceFieldKinds), z.string().min(1)).optional(),
});
export type DeviceSource = z.infer<typeof deviceSourceSchema>;

const mqttFilter = z
  .string()
  .min(1)
  .refine((f) => !/#./.test(f) && f.split('/').every((l) => l === '+' || l === '#' || !/[+#]/.test(l)), 'a valid MQTT filter');
const topicLevels = z
  .string()
  .min(1)
  .refine((t) => !/[+#]/.test(t), 'no wildcards');

/**
 * Per-site settings of each ecosystem, so that several sites can share one broker: each site
 * names its own base topics, applications and concentrator topics. An ecosystem that is absent
 * is subscribed to only when a device of the site uses it. Defaults are each ecosystem's own defaults.
 */
export const siteSourcesSchema = z.strictObject({
  zigbee2mqtt: z.strictObject({ baseTopics: z.array(topicLevels).min(1).default([ZIGBEE2MQTT_DEFAULT_BASE_TOPIC]) }).optional(),
  tasmota: z
    .strictObject({
      /** FullTopic patterns with `%prefix%` and `%topic%` (Tasmota's `FullTopic` command). */
      fullTopics: z
        .array(z.string().refine((t) => t.includes('%prefix%') && t.includes('%topic%'), 'must contain %prefix% and %topic%'))
        .min(1)
        .default([TASMOTA_DEFAULT_FULL_TOPIC]),
    })
    .optional(),
  /** ChirpStack v4 application ids (uuid), or `+` for every application on the broker. */
  chirpstack: z
    .strictObject({
      applicationIds: z
        .array(topicLevels.or(z.literal('+')))
        .min(1)
        .default(['+']),
    })
    .optional(),
  /** The Things Stack application ids, with `@tenant` where the deployment has tenants. */
  tts: z.strictObject({ applicationIds: z.array(topicLevels).min(1) }).optional(),
  /** Topics on which concentrators and DTUs relay CJ/T 188 or DL/T 645 frames (hex text or raw bytes). */
  frames: z.strictObject({ topics: z.array(mqttFilter).min(1) }).optional(),
  /** EMQX Neuron upload topics. */
  neuron: z.strictObject({ topics: z.array(mqttFilter).min(1).default([NEURON_DEFAULT_TOPIC]) }).optional(),
});
export type SiteSources = z.infer<typeof siteSourcesSchema>;
