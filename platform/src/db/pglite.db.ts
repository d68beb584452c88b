import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, Statement, Transaction } from './db.ts';

/**
 * Embedded PostgreSQL (PGlite, WASM). `dataDir` undefined keeps it in memory (tests). One
 * process owns the directory; the ingest and the server share the instance in the launcher.
 */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const pg = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await pg.waitReady;
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: async <Row>(sql: string, params: readonly unknown[] = []) => {
      const result = await q.query<Row>(sql, [...params]);
      return { rows: result.rows };
    },
    exec: async (sql) => {
      await q.exec(sql);
    },
  });
  const root = wrap(pg);
  return {
    kind: 'pglite',
    query: root.query,
    exec: root.exec,
    transaction: (work) =>
      pg.transaction((tx) => {
        const q = wrap(tx);
        // In process there is no round trip to save: the statements run one after the other.
        const batched: Transaction = {
          ...q,
          async batch<Row>(statements: readonly Statement[]) {
            const results: { rows: Row[] }[] = [];
            for (const s of statements) results.push(await q.query<Row>(s.sql, s.params));
            return results;
          },
        };
        return work(batched);
      }),
    close: () => pg.close(),
  };
}
