import { foundation } from './001-foundation.ts';
import { ingest } from './002-ingest.ts';
import { workOrders } from './003-work-orders.ts';
import { accounts } from './004-accounts.ts';
import { consoleSupport } from './005-console.ts';
import { valveCommands } from './006-valve-commands.ts';
import { siteRevisions } from './007-site-revisions.ts';
import { mustChangePassword } from './008-must-change-password.ts';
import { anomalyExpectations } from './009-anomaly-expectations.ts';
import { incidents } from './010-incidents.ts';
import type { Migration } from './migration.ts';

/**
 * One schema, one ordered list of migrations, for PGlite and PostgreSQL alike. Append only:
 * a shipped migration is never edited. Ids are never reused. One file per migration.
 */
export const migrations: readonly Migration[] = [
  foundation,
  ingest,
  workOrders,
  accounts,
  consoleSupport,
  valveCommands,
  siteRevisions,
  mustChangePassword,
  anomalyExpectations,
  incidents,
];
