import type { Migration } from './migration.ts';

/**
 * Accounts, rosters and pushes (issue 6): disabled accounts and password changes, the roster
 * (shifts and the on-duty toggle), VAPID keys made on first run, Web Push subscriptions, and
 * every push with each delivery's result and the acknowledgement.
 */
export const accounts: Migration = {
  id: 4,
  name: 'accounts',
  sql: `
alter table users add column disabled boolean not null default false;
alter table users add column password_changed_at timestamptz;
create index sessions_by_user on sessions (user_id);

-- Keys the server makes itself on first run (VAPID), kept so subscriptions survive restarts.
create table notify_keys (
  name text primary key,
  value jsonb not null,
  created_at timestamptz not null default now()
);

create table push_subscriptions (
  id bigint generated always as identity primary key,
  user_id integer not null references users(id) on delete cascade,
  endpoint text not null unique,
  p256dh text not null,
  auth text not null,
  user_agent text,
  created_at timestamptz not null default now(),
  last_success_at timestamptz
);

-- 值班: a person's own on-duty toggle (absent row = on duty) and the scheduled on-duty stewards.
create table duty_status (
  site_id text not null,
  person_id text not null,
  on_duty boolean not null,
  changed_at timestamptz not null,
  changed_by text not null,
  primary key (site_id, person_id)
);
create table roster_shifts (
  id bigint generated always as identity primary key,
  site_id text not null,
  person_id text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index roster_shifts_by_site on roster_shifts (site_id, ends_at);

-- One push episode per anomaly (or per SLA escalation event of a work order, dedup_key); its
-- escalation state lives here and survives restarts.
create table pushes (
  id bigint generated always as identity primary key,
  site_id text not null,
  anomaly_id bigint unique references anomalies(id),
  -- No foreign key: inserting a push must not take a key-share lock on the order row, which the
  -- SLA ticker locks with FOR UPDATE SKIP LOCKED (it would skip the order for that tick).
  work_order_id integer,
  dedup_key text unique,
  grid_id text,
  severity text not null,
  title text not null,
  body text not null,
  drill boolean not null default false,
  status text not null check (status in ('waiting', 'acknowledged', 'closed', 'exhausted', 'sent')),
  level integer not null default 0,
  repeats integer not null default 0,
  next_at timestamptz,
  chain jsonb not null,
  created_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by text
);
create index pushes_due on pushes (next_at) where status = 'waiting';
create index pushes_by_site on pushes (site_id, created_at);

-- Every delivery attempt's outcome: pending (with attempts > 0 = retrying), delivered, failed
-- (attempts used up), gone (subscription expired, removed), rejected (permanent 4xx).
create table push_deliveries (
  id bigint generated always as identity primary key,
  push_id bigint not null references pushes(id) on delete cascade,
  channel text not null,
  target text not null,
  person_id text,
  level text not null,
  status text not null check (status in ('pending', 'delivered', 'failed', 'gone', 'rejected')),
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  last_error text,
  http_status integer,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  delivered_at timestamptz
);
create index push_deliveries_due on push_deliveries (next_attempt_at) where status = 'pending';
create index push_deliveries_by_push on push_deliveries (push_id);
`,
};
