import type { Migration } from './migration.ts';

/** Console support: shift handover, telemetry rollups for charts. Empty until that work lands; filled before it ships, never edited after. */
export const consoleSupport: Migration = {
  id: 5,
  name: 'console',
  sql: '',
};
