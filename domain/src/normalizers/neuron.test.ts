import { describe, expect, it } from 'vitest';
import { createMessageDecoder } from './index.ts';
import { siteWith, utf8 } from './test-support.ts';

const NOW = 1650006390000;
const decode = createMessageDecoder(
  siteWith([
    { id: 'modbus-meter', kind: 'water-meter', totalUnit: 'L', source: { ecosystem: 'neuron', address: 'modbus/grp', fields: { 'water.total': 'tag0' } } },
    { id: 'dlt-meter', kind: 'electricity-meter', source: { ecosystem: 'neuron', address: 'dlt645', fields: { 'electricity.total': 'forward_total' } } },
  ]),
);
const run = (payload: string, topic = '/neuron/mqtt') => decode({ topic, payload: utf8(payload), receivedAt: NOW });

/** emqx/neuron-docs@cdbdf5c en_US/configuration/north-apps/mqtt/api.md, values format example. */
const DOC_VALUES = '{"timestamp": 1650006388943, "node": "modbus", "group": "grp", "values": {"tag0": 123}, "errors": {"tag1": 2014}, "metas":{}}';

describe('neuron normalizer', () => {
  it('neuron-docs api.md values format: tag0 (mapped, litres) → water.total; the error of an unmapped tag is not ours', () => {
    const result = run(DOC_VALUES);
    expect(result.readings.map((r) => [r.deviceId, r.kind, 'value' in r && r.value, r.ts])).toEqual([['modbus-meter', 'water.total', 0.123, 1650006388943]]);
    expect(result.rejections).toEqual([]);
  });

  it('neuron-docs api.md: a tag error on the mapped tag is a device-error', () => {
    const result = run('{"timestamp": 1650006388943, "node": "modbus", "group": "grp", "values": {}, "errors": {"tag0": 2014}}');
    expect([result.readings, result.rejections.map((r) => r.reason)]).toEqual([[], ['device-error']]);
  });

  it('neuron-docs south-devices/dlt645-2007: a DL/T 645 tag (address 123456789012#00-01-00-00) read by its name, node-only address', () => {
    const result = run('{"timestamp": 1650006388943, "node": "dlt645", "group": "energy", "values": {"forward_total": 1234.56}}');
    expect(result.readings.map((r) => [r.deviceId, r.kind, 'value' in r && r.value])).toEqual([['dlt-meter', 'electricity.total', 1234.56]]);
  });

  it('neuron-docs api.md tags format (as valid JSON) is read like the values format', () => {
    const result = run(
      '{"timestamp": 1647497389075, "node": "modbus", "group": "grp", "tags": [{"name": "tag0", "value": 456}, {"name": "tag1", "error": 2014}]}',
    );
    expect(result.readings.map((r) => 'value' in r && r.value)).toEqual([0.456]);
  });

  it.each<[string, string, string]>([
    [
      'the tags example as printed in neuron-docs api.md (trailing comma)',
      '{"timestamp": 1647497389075, "node": "modbus", "group": "grp", "tags": [{"name": "tag0", "value": 123,}]}',
      'malformed-json',
    ],
    ['an unknown node', '{"timestamp": 1, "node": "other", "group": "g", "values": {}}', 'unknown-device'],
    ['neither values nor tags', '{"timestamp": 1, "node": "modbus", "group": "grp"}', 'schema'],
    ['a negative register', '{"timestamp": 1650006388943, "node": "modbus", "group": "grp", "values": {"tag0": -5}}', 'impossible-value'],
  ])('rejects %s', (_title, payload, reason) => {
    expect(run(payload).rejections.map((r) => r.reason)).toEqual([reason]);
  });
});
