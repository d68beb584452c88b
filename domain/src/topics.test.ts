import { describe, expect, it } from 'vitest';
import { parseTopic, topics } from './topics.ts';

describe('topics', () => {
  it('parses what it builds', () => {
    expect(parseTopic(topics.deviceMessage('demo', 'wm-1-1-101', 'reading'))).toEqual({
      kind: 'device',
      siteId: 'demo',
      deviceId: 'wm-1-1-101',
      channel: 'reading',
    });
    expect(parseTopic(topics.anomaly('demo', '42'))).toEqual({ kind: 'anomaly', siteId: 'demo', anomalyId: '42' });
  });
  it.each([
    'dutyroom/v2/demo/devices/x/reading',
    'dutyroom/v1/demo/devices/x/unknown',
    'dutyroom/v1/demo/devices/x/reading/extra',
    'zigbee2mqtt/x',
    'dutyroom/v1//devices/x/reading',
    '',
  ])('rejects %j', (topic) => {
    expect(parseTopic(topic)).toBeUndefined();
  });
});
