import type { Migration } from './migration.ts';

export const foundation: Migration = {
  id: 1,
  name: 'foundation',
  sql: `
create table sites (
  id text primary key,
  name text not null,
  timezone text not null,
  loaded_at timestamptz not null default now()
);
create table people (
  site_id text not null references sites(id),
  id text not null,
  name text not null,
  role text not null,
  phone text,
  primary key (site_id, id)
);
create table grids (
  site_id text not null references sites(id),
  id text not null,
  name text not null,
  steward_id text not null,
  primary key (site_id, id)
);
create table units (
  site_id text not null references sites(id),
  id text not null,
  building_id text not null,
  floor integer not null,
  occupancy text not null,
  key_held boolean not null,
  grid_id text not null,
  owner_name text,
  owner_phone text,
  primary key (site_id, id)
);
create table devices (
  site_id text not null references sites(id),
  id text not null,
  kind text not null,
  unit_id text,
  building_id text not null,
  has_valve boolean not null default false,
  primary key (site_id, id)
);

create table users (
  id integer generated always as identity primary key,
  username text not null unique,
  display_name text not null,
  role text not null,
  site_id text not null,
  person_id text,
  password_hash text not null,
  created_at timestamptz not null default now()
);
create table sessions (
  token_hash text primary key,
  user_id integer not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create table anomalies (
  id bigint generated always as identity primary key,
  site_id text not null,
  rule text not null,
  subject text not null,
  dedup_key text not null,
  status text not null check (status in ('open', 'cleared')),
  severity text not null,
  unit_id text,
  device_id text,
  opened_at timestamptz not null,
  last_seen_at timestamptz not null,
  reading_ts timestamptz not null,
  cleared_at timestamptz,
  count integer not null default 1,
  evidence jsonb not null default '{}',
  drill boolean not null default false,
  version integer not null default 1
);
-- One open anomaly per (site, rule, subject); two racing raises meet here.
create unique index anomalies_one_open on anomalies (dedup_key) where status = 'open';
create index anomalies_by_site_status on anomalies (site_id, status);

-- Idempotency: a reading that already raised or cleared something is never applied twice.
create table processed_events (
  key text primary key,
  at timestamptz not null default now()
);

create table work_orders (
  id integer generated always as identity primary key,
  site_id text not null,
  anomaly_id bigint unique references anomalies(id),
  source text not null,
  rule text,
  title_zh text not null,
  title_en text not null,
  unit_id text,
  severity text not null,
  status text not null,
  grid_id text,
  assignee_id text,
  checklist jsonb not null default '[]',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by text,
  drill boolean not null default false,
  version integer not null default 1
);
create index work_orders_by_site_status on work_orders (site_id, status);

create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  subject_type text not null,
  subject_id text not null,
  detail jsonb not null default '{}'
);

create table dead_letters (
  id bigint generated always as identity primary key,
  received_at timestamptz not null,
  topic text not null,
  reason text not null,
  detail text not null,
  payload bytea not null
);
create index dead_letters_by_reason on dead_letters (reason, received_at);

-- Embedded telemetry store, used when no InfluxDB is configured. The key drops redeliveries.
create table telemetry (
  site_id text not null,
  device_id text not null,
  kind text not null,
  ts timestamptz not null,
  value double precision not null,
  primary key (device_id, kind, ts)
);
`,
};
