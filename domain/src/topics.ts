/**
 * THE place for MQTT topic strings: the native scheme (version 1) and the topics of the device
 * ecosystems the ingest adapts. Documented in docs/protocol.md.
 *
 *   dutyroom/v1/<siteId>/devices/<deviceId>/<channel>   device → ingest (channels below)
 *   dutyroom/v1/<siteId>/anomalies/<anomalyId>          ingest → everyone, retained anomaly state
 *   dutyroom/v1/<siteId>/units/<unitId>/occupancy       server → ingest, retained occupancy edit
 *   dutyroom/v1/<siteId>/site/revision                  server → ingest, retained: the site document's current revision
 *   dutyroom/v1/<siteId>/drills/catalog                 drill runner → server, retained scenario list (演练)
 *   dutyroom/v1/<siteId>/drills/<drillId>/request       server → drill runner, QoS 1
 *   dutyroom/v1/<siteId>/drills/<drillId>/status        drill runner → everyone, retained running/finished/failed
 *   dutyroom/v1/<siteId>/commands/<deviceId>/valve      server → device, a confirmed valve command
 *
 * Ids never contain "/", "+" or "#" (the site schema restricts them), so each level is one id.
 * Vendor topics are matched level by level with matchers compiled once per site, never with a
 * regular expression built per message.
 */

export const TOPIC_ROOT = 'dutyroom';
export const TOPIC_VERSION = 'v1';
const prefix = `${TOPIC_ROOT}/${TOPIC_VERSION}`;

/**
 * Native device channels (docs/protocol.md §Channels). `reading` is a meter total or pulse count,
 * `flow` an instantaneous flow or power, `frames` CJ/T 188 or DL/T 645 frames relayed by a
 * concentrator; the rest are events and states named after their reading kind.
 */
export const deviceChannels = [
  'reading',
  'flow',
  'fire',
  'gas',
  'leak',
  'tamper',
  'contact',
  'lock',
  'access',
  'status',
  'battery',
  'heartbeat',
  'frames',
] as const;
export type DeviceChannel = (typeof deviceChannels)[number];

export const topics = {
  deviceMessage: (siteId: string, deviceId: string, channel: DeviceChannel) => `${prefix}/${siteId}/devices/${deviceId}/${channel}`,
  anomaly: (siteId: string, anomalyId: string) => `${prefix}/${siteId}/anomalies/${anomalyId}`,
  /** An occupancy edit made in the console, retained so an ingest that starts later knows it. */
  unitOccupancy: (siteId: string, unitId: string) => `${prefix}/${siteId}/units/${unitId}/occupancy`,
  /** A new revision of the site document was saved (console edit or import): retained, so a later ingest knows it too. */
  siteRevision: (siteId: string) => `${prefix}/${siteId}/site/revision`,
  /** 演练 (issue 7): the scenarios a drill runner can play, retained; emptied when the runner goes. */
  drillCatalog: (siteId: string) => `${prefix}/${siteId}/drills/catalog`,
  drillRequest: (siteId: string, drillId: string) => `${prefix}/${siteId}/drills/${drillId}/request`,
  drillStatus: (siteId: string, drillId: string) => `${prefix}/${siteId}/drills/${drillId}/status`,
  /** Commands to devices live apart from `devices/…`, so the ingest's subscription never takes them for readings. */
  valveCommand: (siteId: string, deviceId: string) => `${prefix}/${siteId}/commands/${deviceId}/valve`,
} as const;

/** Subscription filters: each process follows the site it serves. */
export const topicFilters = {
  deviceMessages: (siteId: string) => `${prefix}/${siteId}/devices/+/+`,
  anomalies: (siteId: string) => `${prefix}/${siteId}/anomalies/+`,
  unitOccupancy: (siteId: string) => `${prefix}/${siteId}/units/+/occupancy`,
  drillRequests: (siteId: string) => `${prefix}/${siteId}/drills/+/request`,
  drillStatuses: (siteId: string) => `${prefix}/${siteId}/drills/+/status`,
} as const;

export type ParsedTopic =
  | { readonly kind: 'device'; readonly siteId: string; readonly deviceId: string; readonly channel: DeviceChannel }
  | { readonly kind: 'anomaly'; readonly siteId: string; readonly anomalyId: string }
  | { readonly kind: 'occupancy'; readonly siteId: string; readonly unitId: string };

const channelSet: ReadonlySet<string> = new Set(deviceChannels);
const isChannel = (s: string): s is DeviceChannel => channelSet.has(s);

/** Parses a topic of the native scheme; undefined when it is not one of ours. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  if (!topic.startsWith(`${prefix}/`)) return undefined;
  const levels = topic.split('/');
  const [, , siteId, collection, id, channel, ...rest] = levels;
  if (!siteId || !id || rest.length > 0) return undefined;
  if (collection === 'devices' && channel !== undefined && isChannel(channel)) return { kind: 'device', siteId, deviceId: id, channel };
  if (collection === 'anomalies' && channel === undefined) return { kind: 'anomaly', siteId, anomalyId: id };
  if (collection === 'units' && channel === 'occupancy') return { kind: 'occupancy', siteId, unitId: id };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Generic MQTT filter matching (for configured vendor topics).

/**
 * A subscription filter compiled once: `match(topic)` returns the levels that matched `+` (and,
 * for a trailing `#`, the rest joined by "/"), or undefined. [MQTT-4.7.1-2] `#` matches the
 * parent level too; [MQTT-4.7.2-1] a filter starting with a wildcard does not match `$` topics.
 */
export interface TopicMatcher {
  readonly filter: string;
  match(topic: string): string[] | undefined;
}

export function compileTopicFilter(filter: string): TopicMatcher {
  const levels = filter.split('/');
  const multi = levels.at(-1) === '#';
  const fixed = multi ? levels.slice(0, -1) : levels;
  const wildcardFirst = filter.startsWith('+') || filter.startsWith('#');
  return {
    filter,
    match(topic) {
      if (wildcardFirst && topic.startsWith('$')) return undefined;
      const parts = topic.split('/');
      if (multi ? parts.length < fixed.length : parts.length !== fixed.length) return undefined;
      const captured: string[] = [];
      for (let i = 0; i < fixed.length; i++) {
        const want = fixed[i];
        const got = parts[i] ?? '';
        if (want === '+') captured.push(got);
        else if (want !== got) return undefined;
      }
      if (multi) captured.push(parts.slice(fixed.length).join('/'));
      return captured;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Zigbee2MQTT: `<base>/<friendly_name>`, `<base>/<friendly_name>/availability`, `<base>/bridge/state`
// (Koenkk/zigbee2mqtt lib/extension/availability.ts, lib/mqtt.ts). Friendly names may contain "/".

export const ZIGBEE2MQTT_DEFAULT_BASE_TOPIC = 'zigbee2mqtt';

export type Zigbee2MqttTopic =
  | { readonly kind: 'state'; readonly name: string }
  | { readonly kind: 'availability'; readonly name: string }
  | { readonly kind: 'bridge-state' }
  /** bridge/devices, bridge/event, bridge/logging…, and `/set`, `/get` commands: not device data. */
  | { readonly kind: 'ignored' };

export const zigbee2mqttTopics = {
  filter: (baseTopic: string) => `${baseTopic}/#`,
  state: (baseTopic: string, name: string) => `${baseTopic}/${name}`,
  availability: (baseTopic: string, name: string) => `${baseTopic}/${name}/availability`,
  bridgeState: (baseTopic: string) => `${baseTopic}/bridge/state`,
  parse(baseTopic: string, topic: string): Zigbee2MqttTopic | undefined {
    if (!topic.startsWith(`${baseTopic}/`)) return undefined;
    const rest = topic.slice(baseTopic.length + 1);
    if (rest === 'bridge/state') return { kind: 'bridge-state' };
    if (rest.startsWith('bridge/') || rest.endsWith('/set') || rest.endsWith('/get') || rest.includes('/set/')) return { kind: 'ignored' };
    if (rest.endsWith('/availability')) return { kind: 'availability', name: rest.slice(0, -'/availability'.length) };
    return rest === '' ? undefined : { kind: 'state', name: rest };
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Tasmota: FullTopic `%prefix%/%topic%/` by default, configurable (tasmota/docs docs/MQTT.md);
// the last level is the message (SENSOR, STATE, LWT, STATUS8, RESULT).

export const TASMOTA_DEFAULT_FULL_TOPIC = '%prefix%/%topic%/';

export interface TasmotaTopicPattern {
  readonly fullTopic: string;
  /** MQTT filters for the `tele` and `stat` prefixes of this FullTopic (never `cmnd`). */
  readonly filters: readonly string[];
  parse(topic: string): { readonly prefix: string; readonly topic: string; readonly message: string } | undefined;
}

export function compileTasmotaFullTopic(fullTopic: string): TasmotaTopicPattern {
  const levels = fullTopic.replace(/\/+$/, '').split('/');
  const filterWith = (prefixLevel: string) => `${levels.map((l) => (l === '%prefix%' ? prefixLevel : l === '%topic%' ? '+' : l)).join('/')}/+`;
  const prefixAt = levels.indexOf('%prefix%');
  const topicAt = levels.indexOf('%topic%');
  const matcher = compileTopicFilter(filterWith('+'));
  return {
    fullTopic,
    filters: [filterWith('tele'), filterWith('stat')],
    parse(topic) {
      if (matcher.match(topic) === undefined) return undefined;
      const parts = topic.split('/');
      const p = parts[prefixAt];
      const t = parts[topicAt];
      const message = parts.at(-1);
      if (p === undefined || t === undefined || message === undefined || (p !== 'tele' && p !== 'stat')) return undefined;
      return { prefix: p, topic: t, message };
    },
  };
}

export const tasmotaTopics = {
  /** Only for the default FullTopic (tests, simulators). */
  tele: (topic: string, message: 'SENSOR' | 'STATE' | 'LWT') => `tele/${topic}/${message}`,
  stat: (topic: string, message: 'STATUS8' | 'RESULT') => `stat/${topic}/${message}`,
} as const;

// ---------------------------------------------------------------------------------------------
// ChirpStack v4: `application/<applicationId>/device/<devEui>/event/<event>` (chirpstack-docs
// integrations/mqtt.md; the template is configurable server-side, this is its default).

export const chirpstackTopics = {
  filter: (applicationId: string) => `application/${applicationId}/device/+/event/+`,
  event: (applicationId: string, devEui: string, event: string) => `application/${applicationId}/device/${devEui}/event/${event}`,
  parse(topic: string): { readonly applicationId: string; readonly devEui: string; readonly event: string } | undefined {
    const parts = topic.split('/');
    if (parts.length !== 6 || parts[0] !== 'application' || parts[2] !== 'device' || parts[4] !== 'event') return undefined;
    const [, applicationId, , devEui, , event] = parts;
    if (!applicationId || !devEui || !event) return undefined;
    return { applicationId, devEui, event };
  },
} as const;

// ---------------------------------------------------------------------------------------------
// The Things Stack v3: `v3/<application id>[@<tenant id>]/devices/<device id>/<event>`
// (lorawan-stack-docs integrations/other-integrations/mqtt).

export const ttsTopics = {
  /** Only what the ingest reads: uplinks and joins (downlink events are the application's own). */
  filters: (applicationId: string) => [`v3/${applicationId}/devices/+/up`, `v3/${applicationId}/devices/+/join`],
  event: (applicationId: string, deviceId: string, event: string) => `v3/${applicationId}/devices/${deviceId}/${event}`,
  parse(topic: string): { readonly applicationId: string; readonly deviceId: string; readonly event: string } | undefined {
    const parts = topic.split('/');
    if (parts.length !== 5 || parts[0] !== 'v3' || parts[2] !== 'devices') return undefined;
    const [, applicationId, , deviceId, event] = parts;
    if (!applicationId || !deviceId || !event) return undefined;
    return { applicationId, deviceId, event };
  },
} as const;

// ---------------------------------------------------------------------------------------------
// esp-rfid door controllers: `<TOPIC>/send` where TOPIC is set per controller in its web UI, e.g.
// `/rfid` (esprfid/esp-rfid README-ADDON.md, "Messages sent by ESP-RFID").

export const esprfidTopics = {
  send: (controllerTopic: string) => `${controllerTopic}/send`,
  /** The controller's TOPIC of a `<TOPIC>/send` topic. */
  controllerOf: (topic: string): string | undefined => (topic.endsWith('/send') ? topic.slice(0, -'/send'.length) : undefined),
} as const;

// ---------------------------------------------------------------------------------------------
// EMQX Neuron: default upload topic `/neuron/<north app node name>` (emqx/neuron-docs
// configuration/north-apps/mqtt/api.md). Note the leading slash.

export const NEURON_DEFAULT_TOPIC = '/neuron/+';
export const neuronTopics = {
  upload: (northNode: string) => `/neuron/${northNode}`,
} as const;
