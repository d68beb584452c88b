import {
  chirpstackTopics,
  type DeviceChannel,
  NEURON_DEFAULT_TOPIC,
  neuronTopics,
  type SiteFile,
  TASMOTA_DEFAULT_FULL_TOPIC,
  topics,
  ttsTopics,
  ZIGBEE2MQTT_DEFAULT_BASE_TOPIC,
  zigbee2mqttTopics,
} from '@dutyroom/domain';

/**
 * Where the simulated devices publish. Every topic comes from the domain's builders
 * (domain/src/topics.ts); this file picks, per site, the base topics and application ids the
 * site file's `sources` declare, so a simulated device publishes exactly where the ingest of its
 * site listens, and several sites share one broker without hearing each other.
 */

export const nativeTopic = (siteId: string, deviceId: string, channel: DeviceChannel): string => topics.deviceMessage(siteId, deviceId, channel);

export interface EcosystemSettings {
  readonly siteId: string;
  /** Zigbee2MQTT `mqtt.base_topic`. */
  readonly zigbee2mqttBase: string;
  /** Tasmota FullTopic with `%prefix%` and `%topic%`. */
  readonly tasmotaFullTopic: string;
  /** ChirpStack v4 application id (a UUID). */
  readonly chirpstackApplicationId: string;
  /** The Things Stack `<application>@<tenant>`. */
  readonly ttsApplicationId: string;
  /** A concentrator's own topic with `+` for its address (`dtu/<site>/+/up`); undefined: the native `frames` channel. */
  readonly framesTopic: string | undefined;
  /** EMQX Neuron's upload topic (`/neuron/<north app>`). */
  readonly neuronTopic: string;
}

/** The settings of a site file's `sources`, or each ecosystem's default. */
export function ecosystemSettings(site: SiteFile): EcosystemSettings {
  const siteId = site.site.id;
  const sources = site.sources;
  const neuron = sources.neuron?.topics[0] ?? NEURON_DEFAULT_TOPIC;
  return {
    siteId,
    zigbee2mqttBase: sources.zigbee2mqtt?.baseTopics[0] ?? ZIGBEE2MQTT_DEFAULT_BASE_TOPIC,
    tasmotaFullTopic: sources.tasmota?.fullTopics[0] ?? TASMOTA_DEFAULT_FULL_TOPIC,
    chirpstackApplicationId: sources.chirpstack?.applicationIds.find((id) => id !== '+') ?? siteUuid(siteId),
    ttsApplicationId: sources.tts?.applicationIds[0] ?? `${siteId}@ttn`,
    framesTopic: sources.frames?.topics.find((t) => !t.includes('#')),
    neuronTopic: neuron.replace('+', siteId),
  };
}

/**
 * The `sources` a generated site declares: its own Zigbee2MQTT base topic, Tasmota FullTopic,
 * LoRaWAN applications and concentrator topics, all carrying the site id.
 */
export function generatedSources(siteId: string) {
  return {
    zigbee2mqtt: { baseTopics: [`zigbee2mqtt-${siteId}`] },
    tasmota: { fullTopics: [`%prefix%/${siteId}/%topic%/`] },
    chirpstack: { applicationIds: [siteUuid(siteId)] },
    tts: { applicationIds: [`${siteId}@ttn`] },
    frames: { topics: [`dtu/${siteId}/+/up`] },
    neuron: { topics: [`/neuron/${siteId}`] },
  };
}

export const ecosystemTopics = {
  zigbee2mqttState: (s: EcosystemSettings, friendlyName: string) => zigbee2mqttTopics.state(s.zigbee2mqttBase, friendlyName),
  zigbee2mqttAvailability: (s: EcosystemSettings, friendlyName: string) => zigbee2mqttTopics.availability(s.zigbee2mqttBase, friendlyName),
  zigbee2mqttBridgeState: (s: EcosystemSettings) => zigbee2mqttTopics.bridgeState(s.zigbee2mqttBase),
  /** `%prefix%/%topic%/` with the message as the last level (tasmota/docs MQTT.md). */
  tasmota: (s: EcosystemSettings, topic: string, message: 'SENSOR' | 'STATE' | 'LWT') =>
    `${s.tasmotaFullTopic.replace('%prefix%', 'tele').replace('%topic%', topic).replace(/\/+$/, '')}/${message}`,
  chirpstackUp: (s: EcosystemSettings, devEui: string) => chirpstackTopics.event(s.chirpstackApplicationId, devEui, 'up'),
  chirpstackStatus: (s: EcosystemSettings, devEui: string) => chirpstackTopics.event(s.chirpstackApplicationId, devEui, 'status'),
  ttsUp: (s: EcosystemSettings, deviceId: string) => ttsTopics.event(s.ttsApplicationId, deviceId, 'up'),
  /** A concentrator (集中器) or DTU relaying meter frames (透传): its own topic, or the native `frames` channel of the gateway device. */
  frames: (s: EcosystemSettings, gatewayId: string, ownTopic: boolean) =>
    ownTopic && s.framesTopic !== undefined ? s.framesTopic.replace('+', gatewayId) : topics.deviceMessage(s.siteId, gatewayId, 'frames'),
  neuronUpload: (s: EcosystemSettings) => (s.neuronTopic.startsWith('/neuron/') ? neuronTopics.upload(s.neuronTopic.slice('/neuron/'.length)) : s.neuronTopic),
} as const;

/** A stable UUID-shaped id from a site id (FNV-1a), so the same site always has the same application. */
export function siteUuid(siteId: string): string {
  let hex = '';
  for (let round = 0; hex.length < 32; round++) {
    let h = 0x811c9dc5 ^ round;
    for (const ch of siteId) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
