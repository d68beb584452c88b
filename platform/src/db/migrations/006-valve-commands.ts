import type { Migration } from './migration.ts';

/** Remote valve commands (关阀): who asked, for which unit and order, and whether it went out. */
export const valveCommands: Migration = {
  id: 6,
  name: 'valve-commands',
  sql: `
create table valve_commands (
  id bigint generated always as identity primary key,
  site_id text not null,
  unit_id text not null,
  device_id text not null,
  action text not null check (action in ('close', 'open')),
  work_order_id integer references work_orders(id),
  issued_by text not null,
  issued_at timestamptz not null,
  status text not null check (status in ('sent', 'failed')) default 'sent',
  error text
);
create index valve_commands_by_unit on valve_commands (site_id, unit_id, issued_at);
`,
};
