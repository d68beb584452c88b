/**
 * THE place for MQTT topic strings (native scheme, version 1). Documented in docs/protocol.md.
 *
 *   dutyroom/v1/<siteId>/devices/<deviceId>/<channel>   device → ingest (channel: reading)
 *   dutyroom/v1/<siteId>/anomalies/<anomalyId>          ingest → everyone, retained anomaly state
 *
 * Ids never contain "/", "+" or "#" (the site schema restricts them), so each level is one id.
 */

export const TOPIC_ROOT = 'dutyroom';
export const TOPIC_VERSION = 'v1';
const prefix = `${TOPIC_ROOT}/${TOPIC_VERSION}`;

export const deviceChannels = ['reading'] as const;
export type DeviceChannel = (typeof deviceChannels)[number];

export const topics = {
  deviceMessage: (siteId: string, deviceId: string, channel: DeviceChannel) => `${prefix}/${siteId}/devices/${deviceId}/${channel}`,
  anomaly: (siteId: string, anomalyId: string) => `${prefix}/${siteId}/anomalies/${anomalyId}`,
} as const;

/** Subscription filters: each process follows the site it serves. */
export const topicFilters = {
  deviceMessages: (siteId: string) => `${prefix}/${siteId}/devices/+/+`,
  anomalies: (siteId: string) => `${prefix}/${siteId}/anomalies/+`,
} as const;

export type ParsedTopic =
  | { readonly kind: 'device'; readonly siteId: string; readonly deviceId: string; readonly channel: DeviceChannel }
  | { readonly kind: 'anomaly'; readonly siteId: string; readonly anomalyId: string };

const isChannel = (s: string): s is DeviceChannel => (deviceChannels as readonly string[]).includes(s);

/** Parses a topic of the native scheme; undefined when it is not one of ours. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const levels = topic.split('/');
  if (levels[0] !== TOPIC_ROOT || levels[1] !== TOPIC_VERSION) return undefined;
  const [, , siteId, collection, id, channel, ...rest] = levels;
  if (!siteId || !id || rest.length > 0) return undefined;
  if (collection === 'devices' && channel !== undefined && isChannel(channel)) return { kind: 'device', siteId, deviceId: id, channel };
  if (collection === 'anomalies' && channel === undefined) return { kind: 'anomaly', siteId, anomalyId: id };
  return undefined;
}
