import { deviceChannels, TOPIC_ROOT, TOPIC_VERSION, topics } from '@dutyroom/domain';

/**
 * Where the simulated devices publish: the native channels and each ecosystem's topics, in this
 * one file. The native channels beyond `reading` mirror docs/protocol.md (events, access, status);
 * the ecosystem topics are the ecosystems' own defaults (reference/device-ecosystems.md), which a
 * site can change through `settings` below.
 */

export const nativeChannels = ['reading', 'event', 'access', 'status'] as const;
export type NativeChannel = (typeof nativeChannels)[number];

/**
 * Whether this protocol version of the domain defines the channel. The simulator publishes only
 * those: a channel the ingest does not know yet would fill its dead letters, not exercise it.
 */
export const nativeChannelDefined = (channel: NativeChannel): boolean => (deviceChannels as readonly string[]).includes(channel);

/** `dutyroom/v1/<site>/devices/<device>/<channel>`: `reading` through the domain builder, the others by the same scheme. */
export function nativeTopic(siteId: string, deviceId: string, channel: NativeChannel): string {
  if (channel === 'reading') return topics.deviceMessage(siteId, deviceId, channel);
  return `${TOPIC_ROOT}/${TOPIC_VERSION}/${siteId}/devices/${deviceId}/${channel}`;
}

/** Per-site ecosystem settings: base topics and application ids, so several sites can share one broker. */
export interface EcosystemSettings {
  /** Zigbee2MQTT `mqtt.base_topic`. */
  readonly zigbee2mqttBase: string;
  /** ChirpStack v4 application id (a UUID). */
  readonly chirpstackApplicationId: string;
  /** The Things Stack application id and tenant (`v3/<app>@<tenant>/…`). */
  readonly ttsApplicationId: string;
  readonly ttsTenant: string;
  /** Topic prefix of the concentrators and DTUs that carry CJ/T 188 and DL/T 645 frames as hex. */
  readonly concentratorPrefix: string;
}

export function defaultEcosystemSettings(siteId: string): EcosystemSettings {
  return {
    zigbee2mqttBase: 'zigbee2mqtt',
    chirpstackApplicationId: siteUuid(siteId),
    ttsApplicationId: siteId,
    ttsTenant: 'ttn',
    concentratorPrefix: 'dtu',
  };
}

export const ecosystemTopics = {
  zigbee2mqttState: (s: EcosystemSettings, friendlyName: string) => `${s.zigbee2mqttBase}/${friendlyName}`,
  zigbee2mqttAvailability: (s: EcosystemSettings, friendlyName: string) => `${s.zigbee2mqttBase}/${friendlyName}/availability`,
  zigbee2mqttBridgeState: (s: EcosystemSettings) => `${s.zigbee2mqttBase}/bridge/state`,
  /** Tasmota's default FullTopic `%prefix%/%topic%/`. */
  tasmotaSensor: (topic: string) => `tele/${topic}/SENSOR`,
  tasmotaLwt: (topic: string) => `tele/${topic}/LWT`,
  chirpstackUp: (s: EcosystemSettings, devEui: string) => `application/${s.chirpstackApplicationId}/device/${devEui}/event/up`,
  chirpstackStatus: (s: EcosystemSettings, devEui: string) => `application/${s.chirpstackApplicationId}/device/${devEui}/event/status`,
  ttsUp: (s: EcosystemSettings, deviceId: string) => `v3/${s.ttsApplicationId}@${s.ttsTenant}/devices/${deviceId}/up`,
  /** A concentrator (集中器) or DTU passing meter frames through (透传) as hex text. */
  concentratorUp: (s: EcosystemSettings, gatewayAddress: string) => `${s.concentratorPrefix}/${gatewayAddress}/up`,
  /** EMQX Neuron's default upload topic `/neuron/<mqtt node name>` (leading slash included). */
  neuronUpload: (node: string) => `/neuron/${node}`,
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
