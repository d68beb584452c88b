import type { Migration } from './migration.ts';

/**
 * Work orders: intake fields, the running step clock (due times are rows, so clocks survive a
 * restart), the timeline, timed steps for the monthly report, escalations, return visits, heavy
 * rain, photos; the audit log becomes append-only. Never edited after it ships.
 */
export const workOrders: Migration = {
  id: 3,
  name: 'work-orders',
  sql: `
alter table work_orders
  add column category text,
  add column channel text,
  add column description text,
  add column owner_name text,
  add column owner_phone text,
  add column department text,
  add column repair_kind text,
  add column major_complaint boolean not null default false,
  add column appointment_at timestamptz,
  add column promised_at timestamptz,
  add column dispatched_at timestamptz,
  add column status_since timestamptz,
  add column anomaly_count integer not null default 1,
  add column reopen_count integer not null default 0,
  add column merged_into integer references work_orders(id),
  add column reason text,
  add column resolution jsonb,
  add column closed_at timestamptz,
  -- The running step clock (domain/src/work-orders/sla.ts); escalation_count is the compare-and-set token.
  add column step text,
  add column step_id bigint,
  add column due_at timestamptz,
  add column warn_at timestamptz,
  add column warned boolean not null default false,
  add column escalation_count integer not null default 0,
  add column next_escalation_at timestamptz,
  add column progress_due_at timestamptz,
  add column progress_overdue boolean not null default false;
update work_orders set status_since = created_at where status_since is null;
create index work_orders_warn_due on work_orders (warn_at) where not warned;
create index work_orders_escalation_due on work_orders (next_escalation_at);
create index work_orders_progress_due on work_orders (progress_due_at) where not progress_overdue;
create index work_orders_by_site_created on work_orders (site_id, created_at);

create table work_order_events (
  id bigint generated always as identity primary key,
  work_order_id integer not null references work_orders(id),
  at timestamptz not null,
  actor text not null,
  action text not null,
  from_status text,
  to_status text,
  payload jsonb not null default '{}',
  -- A retried request (same key) is recognised and changes nothing.
  idempotency_key text unique
);
create index work_order_events_by_order on work_order_events (work_order_id, id);

create table work_order_steps (
  id bigint generated always as identity primary key,
  work_order_id integer not null references work_orders(id),
  site_id text not null,
  step text not null,
  department text,
  assignee_id text,
  started_at timestamptz not null,
  due_at timestamptz not null,
  done_at timestamptz
);
create index work_order_steps_by_order on work_order_steps (work_order_id);
create index work_order_steps_by_site_done on work_order_steps (site_id, done_at);

create table work_order_escalations (
  id bigint generated always as identity primary key,
  work_order_id integer not null references work_orders(id),
  step_id bigint not null,
  kind text not null check (kind in ('warning', 'escalation')),
  count integer not null,
  level integer not null,
  role text not null,
  person_id text not null,
  at timestamptz not null,
  -- Belt and braces under the compare-and-set: one warning and one escalation per count per step.
  unique (step_id, kind, count)
);

create table return_visits (
  id bigint generated always as identity primary key,
  work_order_id integer not null references work_orders(id),
  site_id text not null,
  rule text not null,
  method text not null,
  visitor_role text not null,
  status text not null check (status in ('pending', 'waiting-for-rain', 'done', 'superseded')),
  planned_at timestamptz not null,
  scheduled_at timestamptz,
  due_at timestamptz,
  done_at timestamptz,
  satisfaction text,
  visited_by text
);
create index return_visits_by_site_status on return_visits (site_id, status);
create index return_visits_by_order on return_visits (work_order_id);

create table site_events (
  id bigint generated always as identity primary key,
  site_id text not null,
  kind text not null check (kind in ('heavy-rain')),
  occurred_at timestamptz not null,
  recorded_by text not null,
  note text
);

create table work_order_photos (
  id bigint generated always as identity primary key,
  work_order_id integer not null references work_orders(id),
  file_name text not null,
  content_type text not null,
  size_bytes integer not null,
  uploaded_by text not null,
  at timestamptz not null
);

create index audit_log_by_subject on audit_log (subject_type, subject_id, id);
-- Append-only: the audit log can be written, never rewritten.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log for each row execute function audit_log_append_only();
`,
};
