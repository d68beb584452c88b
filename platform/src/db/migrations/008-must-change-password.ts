import type { Migration } from './migration.ts';

/**
 * Users and roles in the console: a password an admin set (a generated one-time password or a
 * chosen initial one) must be changed by its owner before anything else.
 */
export const mustChangePassword: Migration = {
  id: 8,
  name: 'must-change-password',
  sql: `
alter table users add column must_change_password boolean not null default false;
`,
};
