import type { Db } from './db.ts';
import { migrations } from './migrations/index.ts';

export { migrations };

/**
 * Applies pending migrations in one transaction under an advisory lock, so an ingest and a
 * server starting together against one PostgreSQL do not race.
 */
export async function migrate(db: Db): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(727274)');
    await tx.query('create table if not exists schema_migrations (id integer primary key, name text not null, applied_at timestamptz not null default now())');
    const done = new Set((await tx.query<{ id: number }>('select id from schema_migrations')).rows.map((r) => r.id));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      // A slot still empty is not recorded, so it runs once it is filled.
      if (m.sql.trim() === '') continue;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (id, name) values ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    }
    return applied;
  });
}
