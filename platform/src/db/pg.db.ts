import pg from 'pg';
import type { Db, Queryable } from './db.ts';

// int8 (bigint) ids and counts arrive as strings by default; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** A PostgreSQL server. `schema` becomes the search_path of every connection (tests own one each). */
export async function openPostgres(url: string, schema: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it and the next query reports errors.
  });
  if (schema !== 'public') await pool.query(`create schema if not exists ${schema}`);
  const query: Queryable['query'] = async <Row>(sql: string, params: readonly unknown[] = []) => {
    const result = await pool.query(sql, [...params]);
    return { rows: result.rows as Row[] };
  };
  return {
    kind: 'postgres',
    query,
    exec: async (sql) => {
      await pool.query(sql);
    },
    async transaction(work) {
      const client = await pool.connect();
      // A checked-out client has no pool listener: its 'error' event (the server went away) would
      // crash the process. The pending query rejects with the same error, which the caller handles.
      const ignoreError = () => {};
      client.on('error', ignoreError);
      try {
        await client.query('begin');
        const result = await work({
          query: async <Row>(sql: string, params: readonly unknown[] = []) => ({ rows: (await client.query(sql, [...params])).rows as Row[] }),
          exec: async (sql) => {
            await client.query(sql);
          },
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', ignoreError);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
