import type { Db } from '@dutyroom/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { available } from '../harness/servers.ts';
import { openTestDb } from './ingest-fixtures.ts';

/**
 * `Transaction.batch` sends several statements in one round trip (PostgreSQL: parameters inlined as
 * escaped literals). Every parameter must reach the server as exactly the value a parameterised
 * query would have sent, whatever its characters, and a failing statement must take the whole
 * transaction with it.
 */
const awkward = [
  '',
  "it's",
  "''",
  '\\',
  "\\'; drop table anomalies; --",
  "E'\\x41'",
  '$1',
  '$$ dollar $$',
  '-- not a comment',
  '/* not a comment */',
  '漏水 · 水表 😀',
  '\n\t\r',
  'a'.repeat(3000),
];
const numbers = [0, -0, 1, -1, -5, 1.5, -1e-7, 1e21, -1e21, Number.MAX_SAFE_INTEGER, 1_764_000_000_000.25, Number.MIN_VALUE];

for (const kind of ['pglite', 'postgres'] as const) {
  const present = kind === 'postgres' ? await available('postgres') : true;

  describe.skipIf(!present)(`Transaction.batch on ${kind}`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      ({ db, drop } = await openTestDb(kind));
      await db.exec('create table if not exists batch_probe (k text primary key, n float8, b boolean)');
    });
    afterAll(async () => {
      await drop?.();
    });

    it('passes text, numbers, booleans and null through unchanged, in one batch with its commit', async () => {
      const statements = [
        ...awkward.map((text) => ({ sql: 'select $1::text as v', params: [text] })),
        ...numbers.map((n) => ({ sql: 'select $1::float8 as v, 0-$1 as neg', params: [n] })),
        { sql: 'select $1::boolean as v, $2::boolean as w, $3::text as x', params: [true, false, null] },
        { sql: `select $1::float8 as v, $2::float8 as w, $3::float8 as x`, params: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] },
      ];
      const results = await db.transaction((tx) => tx.batch<{ v: unknown; w?: unknown; x?: unknown; neg?: unknown }>(statements, { commit: true }));
      expect(results.map((r) => r.rows[0]?.v)).toEqual([...awkward, ...numbers.map((n) => (Object.is(n, -0) ? 0 : n)), true, Number.NaN]);
      expect(results.slice(awkward.length, awkward.length + numbers.length).map((r) => Number(r.rows[0]?.neg))).toEqual(numbers.map((n) => 0 - n));
      expect(results.at(-2)?.rows[0]).toEqual({ v: true, w: false, x: null });
      expect(results.at(-1)?.rows[0]).toEqual({ v: Number.NaN, w: Number.POSITIVE_INFINITY, x: Number.NEGATIVE_INFINITY });
    });

    it('a failing statement rolls back the statements before it, in its batch and in earlier ones', async () => {
      const attempt = db.transaction(async (tx) => {
        await tx.batch([{ sql: 'insert into batch_probe (k, n, b) values ($1, $2, $3)', params: ['first', 1, true] }]);
        await tx.batch(
          [
            { sql: 'insert into batch_probe (k, n, b) values ($1, $2, $3)', params: ['second', 2, false] },
            { sql: 'insert into batch_probe (k, n, b) values ($1, $2, $3)', params: ['second', 3, false] },
          ],
          { commit: true },
        );
      });
      await expect(attempt).rejects.toThrow(/duplicate key/);
      expect((await db.query('select k from batch_probe')).rows).toEqual([]);
      // The connection is usable again afterwards, and a committed batch stays committed.
      await db.transaction((tx) => tx.batch([{ sql: 'insert into batch_probe (k, n, b) values ($1, $2, $3)', params: ['third', 3, null] }], { commit: true }));
      expect((await db.query('select k, n, b from batch_probe')).rows).toEqual([{ k: 'third', n: 3, b: null }]);
    });
  });
}
