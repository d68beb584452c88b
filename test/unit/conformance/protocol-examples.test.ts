import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMessageDecoder } from '../../../domain/src/normalizers/index.ts';
import { siteWith } from '../../../domain/src/normalizers/test-support.ts';

/** Every `mosquitto_pub` example of docs/protocol.md goes through the decoder without a rejection. */
const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/^\$P (?:-r )?-t (\S+) -m '([^']*)'/gm)].map((m) => ({ topic: m[1] ?? '', payload: m[2] ?? '' }));

const decode = createMessageDecoder(
  siteWith(
    [
      { id: 'wm-1-1-101', kind: 'water-meter', pulseFactor: 1 },
      { id: 'fp-1', kind: 'fire-panel' },
      { id: 'gd-1-1-101', kind: 'gas-detector' },
      { id: 'ls-1-1-101', kind: 'leak-sensor' },
      { id: 'fd-1-3', kind: 'door-contact', fireDoor: true },
      { id: 'ar-gate-1', kind: 'access-reader' },
      { id: 'dtu-1', kind: 'gateway' },
      { id: 'wm-188', kind: 'water-meter', source: { ecosystem: 'cjt188', address: '00000012345678' } },
    ],
    {},
    'demo',
  ),
);

describe('docs/protocol.md examples', () => {
  it('has an example for every channel', () => {
    const channels = new Set(examples.map((e) => e.topic.split('/').at(-1)));
    expect([...channels].sort()).toEqual([
      'access',
      'battery',
      'contact',
      'fire',
      'flow',
      'frames',
      'gas',
      'heartbeat',
      'leak',
      'lock',
      'reading',
      'status',
      'tamper',
    ]);
  });

  it.each(examples.map((e) => [e.topic, e.payload] as const))('%s %s decodes without a rejection', (topic, payload) => {
    const result = decode({ topic, payload: new TextEncoder().encode(payload), receivedAt: Date.UTC(2026, 10, 24, 8, 0, 0) });
    expect(result.rejections).toEqual([]);
    expect(result.readings.length).toBeGreaterThan(0);
  });
});
