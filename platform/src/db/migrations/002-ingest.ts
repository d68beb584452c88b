import type { Migration } from './migration.ts';

/**
 * Ingest: hold-down of clears and the clear's work-order rule on the anomaly row, detector state
 * snapshots (so "for N minutes" and heartbeat timers survive a restart). docs/ingest.md.
 */
export const ingest: Migration = {
  id: 2,
  name: 'ingest',
  sql: `
-- A clear held down (flapping merge): it takes effect at clear_due_at unless a raise comes first.
alter table anomalies add column clear_due_at timestamptz;
-- Timestamp of the reading that asked for the clear: becomes cleared_at and the event's reading_ts.
alter table anomalies add column clear_requested_at timestamptz;
-- Set by the clear: whether it also closes the work order (device back online) or leaves it to people.
alter table anomalies add column clear_closes_work_order boolean;
-- Raises that came while a clear was held down.
alter table anomalies add column flaps integer not null default 0;
create index anomalies_clear_due on anomalies (site_id, clear_due_at) where status = 'open' and clear_due_at is not null;

-- Detector state per (detector, state key): the ingest's memory, snapshotted so timers survive a restart.
-- A row whose version differs from the detector's is discarded at start, never misread.
create table detector_states (
  site_id text not null,
  detector_id text not null,
  state_key text not null,
  version integer not null,
  device_id text not null,
  state jsonb not null,
  wake_at bigint,
  updated_at timestamptz not null default now(),
  primary key (site_id, detector_id, state_key)
);

create index processed_events_by_age on processed_events (at);
`,
};
