import type { Migration } from './migration.ts';

/**
 * Console support. Occupancy edits live beside `units` because `units` is re-synced from the
 * site file at every start: the server re-applies these after the sync, so an edit made in the
 * console survives restarts. Shift handover notes (交接班). An index for site-wide telemetry
 * reads (site flow per minute) in the embedded store.
 */
export const consoleSupport: Migration = {
  id: 5,
  name: 'console',
  sql: `
create table unit_occupancy (
  site_id text not null,
  unit_id text not null,
  status text not null,
  since date,
  start_water_m3 double precision,
  start_electricity_kwh double precision,
  updated_at timestamptz not null,
  updated_by text not null,
  primary key (site_id, unit_id)
);

create table handover_notes (
  id bigint generated always as identity primary key,
  site_id text not null,
  author text not null,
  body text not null,
  kpis jsonb not null,
  created_at timestamptz not null,
  taken_over_by text,
  taken_over_at timestamptz
);
create index handover_notes_by_site on handover_notes (site_id, created_at desc);

create index telemetry_by_site_kind_ts on telemetry (site_id, kind, ts);
`,
};
