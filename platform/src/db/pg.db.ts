import pg from 'pg';
import type { Db, Queryable, Statement, Transaction } from './db.ts';

// int8 (bigint) ids and counts arrive as strings by default; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** A statement parameter as an SQL literal, for the simple query protocol (one message, several statements). */
function literal(value: Statement['params'][number]): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // Parenthesised: `x - $1` with -5 must not become the comment `x --5`.
  if (Number.isFinite(value)) return `(${value})`;
  return `'${value}'::float8`;
}

/**
 * A statement with its parameters inlined as escaped literals (`escapeLiteral` of the driver, the
 * libpq rule): node-postgres sends parameterised statements one round trip each, the simple query
 * protocol takes several in one message. Only for statements whose text has no `$` but placeholders.
 */
export function inlineParameters({ sql, params }: Statement): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new RangeError(`statement has no parameter $${n}`);
    return literal(params[index] as Statement['params'][number]);
  });
}

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
      // `begin` goes with the first statement, `commit` with the last batch when asked.
      let begun = false;
      let ended = false;
      const begin = async () => {
        if (begun) return;
        begun = true;
        await client.query('begin');
      };
      const tx: Transaction = {
        query: async <Row>(sql: string, params: readonly unknown[] = []) => {
          await begin();
          return { rows: (await client.query(sql, [...params])).rows as Row[] };
        },
        exec: async (sql) => {
          await begin();
          await client.query(sql);
        },
        async batch<Row>(statements: readonly Statement[], options: { readonly commit?: boolean } = {}) {
          const texts = statements.map(inlineParameters);
          const head = begun ? 0 : 1;
          if (!begun) texts.unshift('begin');
          if (options.commit) texts.push('commit');
          begun = true;
          if (texts.length === 0) return [];
          const result = (await client.query(texts.join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
          if (options.commit) ended = true;
          const results = Array.isArray(result) ? result : [result];
          return results.slice(head, head + statements.length).map((r) => ({ rows: r.rows as Row[] }));
        },
      };
      try {
        const result = await work(tx);
        if (!ended && begun) await client.query('commit');
        return result;
      } catch (error) {
        if (begun) await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', ignoreError);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
