import { join } from 'node:path';
import type { Config } from '@dutyroom/domain';
import type { Db } from './db.ts';
import { migrate } from './migrations.ts';
import { openPostgres } from './pg.db.ts';
import { openPglite } from './pglite.db.ts';

/** PostgreSQL when DATABASE_URL is set, else embedded PGlite under dataDir; migrated either way. */
export async function openDatabase(config: Pick<Config, 'database' | 'dataDir'>, options: { inMemory?: boolean } = {}): Promise<Db> {
  const db = config.database.url
    ? await openPostgres(config.database.url, config.database.schema)
    : await openPglite(options.inMemory ? undefined : join(config.dataDir, 'pglite'));
  await migrate(db);
  return db;
}
