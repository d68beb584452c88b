import { reject } from '../model/rejection.ts';
import { compileTopicFilter, NEURON_DEFAULT_TOPIC } from '../topics.ts';
import { decodedObjectParts } from './decoded-object.ts';
import { DecodeBatch } from './device-quirks.ts';
import { isObject, type JsonObject, parseJsonObject } from './json-payload.ts';
import { contentHash } from './message-key.ts';
import { type DecodeResult, type Normalizer, rejected } from './normalizer.ts';

/**
 * EMQX Neuron MQTT north app (docs/protocol.md §Neuron; emqx/neuron-docs
 * configuration/north-apps/mqtt/api.md). Upload topic `/neuron/<north node>` by default.
 * Payload `{timestamp (ms), node, group, values: {tag: value}, errors: {tag: code}}`, or the
 * tags format `{…, tags: [{name, value | error}]}`. Device: `source: { ecosystem: neuron, address:
 * <node>/<group> or <node> }` with `fields` naming the tags (`{ electricity.total: total_energy }`;
 * a DL/T 645 tag's address is `meteraddress#00-01-00-00`, its name is the integrator's). A tag
 * error on a tag the device reads is a `device-error`; other tags are not ours to judge.
 */

function tagsToValues(tags: unknown): { values: JsonObject; errors: JsonObject } | undefined {
  if (!Array.isArray(tags)) return undefined;
  const values: JsonObject = {};
  const errors: JsonObject = {};
  for (const tag of tags) {
    if (!isObject(tag) || typeof tag['name'] !== 'string') return undefined;
    if ('error' in tag) errors[tag['name']] = tag['error'];
    else values[tag['name']] = tag['value'];
  }
  return { values, errors };
}

export const neuronNormalizer: Normalizer = {
  id: 'neuron',
  forSite(site) {
    const configured = site.sources.neuron;
    if (configured === undefined && !site.uses('neuron')) return undefined;
    const matchers = (configured?.topics ?? [NEURON_DEFAULT_TOPIC]).map(compileTopicFilter);
    return {
      filters: matchers.map((m) => m.filter),
      claims: (topic) => matchers.some((m) => m.match(topic) !== undefined),
      decode(input, devices): DecodeResult {
        const json = parseJsonObject(input.payload);
        if (!json.ok) return rejected(json.rejection);
        const message = json.value;
        const node = message['node'];
        const group = message['group'];
        if (typeof node !== 'string' || typeof group !== 'string') return rejected(reject('schema', 'node and group: expected strings').rejection);
        const body = isObject(message['values'])
          ? { values: message['values'], errors: isObject(message['errors']) ? message['errors'] : {} }
          : tagsToValues(message['tags']);
        if (body === undefined) return rejected(reject('schema', 'expected "values" (values format) or "tags" (tags format)').rejection);
        const device = devices.bySource('neuron', `${node}/${group}`) ?? devices.bySource('neuron', node);
        if (device === undefined) return rejected(reject('unknown-device', `Neuron node "${node}" group "${group}" is not in the site file`).rejection);
        const timestamp = typeof message['timestamp'] === 'number' ? message['timestamp'] : undefined;
        const batch = new DecodeBatch();
        const fields = device.device.source?.fields;
        const watched = fields === undefined ? undefined : new Set(Object.values(fields));
        for (const [tag, code] of Object.entries(body.errors)) {
          if (watched === undefined || watched.has(tag))
            batch.reject(reject('device-error', `Neuron ${node}/${group} tag "${tag}": error ${String(code)}`).rejection);
        }
        const parts = decodedObjectParts(body.values, device);
        if (parts.length === 0 && batch.rejections.length > 0) return batch;
        return batch.add(device, parts, {
          deviceTs: timestamp,
          receivedAt: input.receivedAt,
          messageId: timestamp === undefined ? contentHash(input.topic, input.payload) : `${node}/${group}/${timestamp}`,
        });
      },
    };
  },
};
