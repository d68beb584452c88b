import type { Migration } from './migration.ts';

/** Ingest: detector state snapshots, anomaly publication, dead-letter status. Empty until that work lands; filled before it ships, never edited after. */
export const ingest: Migration = {
  id: 2,
  name: 'ingest',
  sql: '',
};
