import type { Migration } from './migration.ts';

/** Work orders: lifecycle, clocks, escalations, return visits. Empty until that work lands; filled before it ships, never edited after. */
export const workOrders: Migration = {
  id: 3,
  name: 'work-orders',
  sql: '',
};
