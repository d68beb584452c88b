import type { Migration } from './migration.ts';

/** Accounts, rosters and pushes. Empty until that work lands; filled before it ships, never edited after. */
export const accounts: Migration = {
  id: 4,
  name: 'accounts',
  sql: '',
};
