import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainMeterReading } from '../../domain/src/normalizers/native.ts';
import { meterReadingPayloadSchema } from '../../domain/src/schemas/native-payloads.ts';

/**
 * The native meter reading's fast path (`plainMeterReading`) against its zod schema: whatever the
 * fast path accepts, the schema accepts as the same value; whatever the schema rejects, the fast
 * path leaves to the schema (so the rejection keeps the schema's wording). The decoding after
 * this step is the same code either way, so equal payloads mean equal readings and rejections.
 */
const schemaOf = (json: unknown) => meterReadingPayloadSchema.safeParse(json);

const agrees = (json: unknown) => {
  const fast = plainMeterReading(json);
  const slow = schemaOf(json);
  if (fast !== undefined) {
    expect(slow.success).toBe(true);
    expect(fast).toEqual(slow.data);
  }
  return fast;
};

/** Values a device might send in any field: right, wrong and borderline. */
const anyValue = fc.oneof(
  fc.integer(),
  fc.nat(),
  fc.double(),
  fc.double({ min: 0, max: 1e12, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 0.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 2 ** 53 + 2, 1e21, -1e21, 1e-7, Number.MIN_VALUE),
  fc.constantFrom('L', 'm3', 'kWh', 'Wh', 'l', 'M3', 'kwh', '', '1', 'NaN', '2026-11-24T16:00:00+08:00', '2026-11-24T16:00:00'),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const field = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: anyValue });

/** Mostly well-formed readings, each field now and then replaced, dropped or joined by another. */
const reading = fc
  .record(
    {
      ts: field(fc.integer({ min: 1, max: 4_000_000_000_000 })),
      seq: field(fc.nat()),
      total: field(fc.double({ min: 0, max: 1e9, noNaN: true })),
      unit: field(fc.constantFrom('L', 'm3', 'kWh', 'Wh')),
      pulses: field(fc.nat()),
      drill: field(fc.boolean()),
    },
    { requiredKeys: [] },
  )
  .chain((r) =>
    fc.record({
      payload: fc.constant(r),
      extra: fc.option(
        fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'TS', 'Total')), anyValue, { maxKeys: 2 }),
        {
          freq: 5,
        },
      ),
    }),
  )
  .map(({ payload, extra }) => (extra === null ? payload : Object.assign({}, payload, extra)));

/** The JSON text of a reading with a character replaced, inserted or removed, parsed again. */
const mutated = fc
  .tuple(
    fc.record({ ts: fc.integer({ min: 1, max: 4_000_000_000_000 }), total: fc.double({ min: 0, max: 1e9, noNaN: true }), seq: fc.nat() }),
    fc.nat(),
    fc.constantFrom('replace', 'insert', 'remove', 'duplicate-key'),
    fc.constantFrom('0', '9', '-', '.', 'e', '"', ',', ':', ' ', '}', '{', 'x', '\\u0000', '1', 'true', 'null'),
  )
  .map(([r, at, how, piece]) => {
    const text = JSON.stringify(r);
    const i = at % text.length;
    if (how === 'duplicate-key') return `${text.slice(0, -1)},"total":${piece === '-' ? -1 : 2}}`;
    if (how === 'remove') return text.slice(0, i) + text.slice(i + 1);
    if (how === 'insert') return text.slice(0, i) + piece + text.slice(i);
    return text.slice(0, i) + piece + text.slice(i + 1);
  });

describe('native meter reading: fast path and schema agree', () => {
  it('on generated readings with wrong, missing and extra fields', () => {
    fc.assert(
      fc.property(reading, (payload) => void agrees(payload)),
      { numRuns: 20_000 },
    );
  });

  it('on mutated JSON texts, parsed as the ingest parses them', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return;
        }
        agrees(json);
      }),
      { numRuns: 20_000 },
    );
  });

  it('takes the common readings itself, and leaves the unusual ones to the schema', () => {
    for (const payload of [
      { ts: 1_764_000_000_000, total: 100.001, seq: 7 },
      { total: 0 },
      { ts: 1, pulses: 0, drill: true, unit: 'L' },
      { seq: 0, total: 12.5, unit: 'kWh' },
    ])
      expect(agrees(payload)).toBe(payload);
    for (const payload of [
      { ts: '2026-11-24T16:00:00+08:00', total: 1 }, // valid: the schema turns it into epoch ms
      { ts: 0, total: 1 },
      { total: -0.5 },
      { total: 1, pulses: 1 },
      {},
      { total: 1, colour: 'red' },
      { pulses: 1.5 },
      { ts: Number.MAX_SAFE_INTEGER + 1, total: 1 },
      [1, 2],
      null,
    ])
      expect(agrees(payload)).toBeUndefined();
  });
});
