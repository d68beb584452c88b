import { createMessageDecoder, detectors, indexSite, subscriptionFilters, topics } from '@dutyroom/domain';
import {
  createAnomalyStore,
  createConfigResolver,
  createDeadLetterSink,
  createIngestMetrics,
  createPgTelemetrySink,
  createPipeline,
  createStateStore,
} from '@dutyroom/ingest';
import { createLogger, type Db, openDatabase } from '@dutyroom/platform';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestTestSite } from '../integration/ingest-fixtures.ts';

/**
 * 100,000 generated and mutated payloads thrown at the real pipeline (every registered normalizer
 * and detector, PGlite): nothing throws, and every message is accounted for: exactly one outcome
 * each, and one dead-letter row per counted rejection.
 */
const RUNS = 100;
const MESSAGES_PER_RUN = 1000;
const MAX_PAYLOAD = 4096;

const site = ingestTestSite('fuzz');
const index = indexSite(site);
const deviceIds = index.devices.map((d) => d.device.id);
const now = Date.UTC(2026, 10, 24, 8, 0, 0);

const segment = fc.oneof(fc.constantFrom(...deviceIds, 'fuzz', 'reading', 'tele', 'SENSOR', 'LWT', 'up', 'event'), fc.string({ maxLength: 12 }));
/** Topics of every ecosystem the site subscribes to, with wildcards filled by device ids or noise. */
const ecosystemTopic = fc.tuple(fc.constantFrom(...subscriptionFilters(index)), fc.array(segment, { minLength: 1, maxLength: 4 })).map(([filter, fill]) => {
  let i = 0;
  return filter.replace(/\+/g, () => fill[i++ % fill.length] ?? 'x').replace('#', fill.join('/'));
});
const topic = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...deviceIds, 'ghost-meter').map((id) => topics.deviceMessage('fuzz', id, 'reading')) },
  { weight: 3, arbitrary: ecosystemTopic },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);

const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-1, 0, 1e308, Number.NaN, Number.POSITIVE_INFINITY), fc.string({ maxLength: 8 }));
const timestamp = fc.oneof(
  fc.integer({ min: now - 30 * 86_400_000, max: now + 30 * 86_400_000 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(0, -1, 'yesterday', '2026-11-24T16:00:00+08:00', '2026-11-24T16:00:00'),
);
const nativeReading = fc.record(
  { ts: timestamp, total: number, unit: fc.constantFrom('L', 'm3', 'kWh', 'Wh', 'gal'), pulses: number, seq: fc.nat(50), drill: fc.boolean() },
  { requiredKeys: ['ts'] },
);
const ecosystemJson = fc.dictionary(
  fc.constantFrom(
    'water_leak',
    'smoke',
    'gas',
    'contact',
    'battery',
    'battery_low',
    'tamper',
    'energy',
    'ENERGY',
    'Time',
    'state',
    'object',
    'deviceInfo',
    'time',
    'data',
    'values',
  ),
  fc.oneof(fc.boolean(), number, fc.jsonValue({ maxDepth: 2 })),
);

const encoder = new TextEncoder();
const asBytes = (value: unknown) => encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));

/** Byte-level mutations of a well-formed payload: flips, cuts, insertions. */
const mutated = fc
  .tuple(
    fc.oneof(nativeReading, ecosystemJson).map(asBytes),
    fc.array(fc.tuple(fc.constantFrom('flip', 'cut', 'insert'), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
  )
  .map(([bytes, edits]) => {
    let out = bytes;
    for (const [op, at, byte] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      if (op === 'flip') out = Uint8Array.from(out, (b, j) => (j === i ? b ^ byte : b));
      else if (op === 'cut') out = out.subarray(0, i);
      else out = Uint8Array.from([...out.subarray(0, i), byte, ...out.subarray(i)]);
    }
    return out;
  });

const payload = fc.oneof(
  { weight: 4, arbitrary: nativeReading.map(asBytes) },
  { weight: 2, arbitrary: ecosystemJson.map(asBytes) },
  { weight: 3, arbitrary: mutated },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(asBytes) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map(asBytes) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_PAYLOAD + 1, max: MAX_PAYLOAD * 3 }).map((n) => new Uint8Array(n).fill(0x7b)) },
);
const message = fc.record({ topic, payload, receivedAt: fc.integer({ min: now, max: now + 3_600_000 }) });
/** A run: fresh messages plus replays of some of them (QoS 1 redelivery). */
const run = fc
  .tuple(
    fc.array(message, { minLength: MESSAGES_PER_RUN * 0.9, maxLength: MESSAGES_PER_RUN * 0.9 }),
    fc.array(fc.nat(), { minLength: MESSAGES_PER_RUN * 0.1, maxLength: MESSAGES_PER_RUN * 0.1 }),
  )
  .map(([fresh, replays]) => [...fresh, ...replays.map((i) => fresh[i % fresh.length] as (typeof fresh)[number])]);

const sum = async (metric: { get(): Promise<{ values: { value: number }[] }> }) => (await metric.get()).values.reduce((n, v) => n + v.value, 0);

describe('ingest fuzz', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDatabase({ database: { schema: 'public' }, dataDir: '.data/unused' }, { inMemory: true });
  });
  afterAll(async () => {
    await db?.close();
  });

  it(`accounts for every one of ${RUNS * MESSAGES_PER_RUN} generated and mutated payloads without a crash`, async () => {
    const metrics = createIngestMetrics();
    const states = createStateStore(db);
    const pipeline = createPipeline({
      site: index,
      decode: createMessageDecoder({ ...index, sources: site.sources }),
      detectors,
      configFor: createConfigResolver(site, detectors),
      anomalies: createAnomalyStore(db, states),
      states,
      telemetry: createPgTelemetrySink(db),
      deadLetters: createDeadLetterSink(db),
      onAnomalyChange: () => {},
      metrics,
      log: createLogger('silent'),
      maxPayloadBytes: MAX_PAYLOAD,
    });
    await pipeline.start();
    let handled = 0;

    await fc.assert(
      fc.asyncProperty(run, async (messages) => {
        const before = { outcomes: await sum(metrics.messages), rejections: await sum(metrics.rejections) };
        const [{ n: lettersBefore } = { n: 0 }] = (await db.query<{ n: number }>('select count(*)::int as n from dead_letters')).rows;
        const results = await Promise.allSettled(messages.map((m) => pipeline.onMessage(m.topic, m.payload, m.receivedAt)));
        await pipeline.tick(now + 3_600_000);
        expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
        const outcomes = (await sum(metrics.messages)) - before.outcomes;
        const rejections = (await sum(metrics.rejections)) - before.rejections;
        const [{ n: lettersAfter } = { n: 0 }] = (await db.query<{ n: number }>('select count(*)::int as n from dead_letters')).rows;
        expect(outcomes).toBe(messages.length);
        expect(lettersAfter - lettersBefore).toBe(rejections);
        handled += messages.length;
      }),
      { numRuns: RUNS, seed: 20261124, endOnFailure: true },
    );

    expect(handled).toBeGreaterThanOrEqual(100_000);
    const outcomes = await metrics.messages.get();
    // Each kind of input really happened: accepted readings, rejections, duplicates.
    const byOutcome = Object.fromEntries(outcomes.values.map((v) => [v.labels['outcome'], v.value]));
    expect(byOutcome).toMatchObject({ accepted: expect.any(Number), rejected: expect.any(Number), duplicate: expect.any(Number) });
    const reasons = (await metrics.rejections.get()).values.map((v) => v.labels['reason']);
    expect(reasons).toEqual(expect.arrayContaining(['malformed-json', 'schema', 'unknown-device', 'oversize', 'duplicate']));
  });
});
