import type { Migration } from './migration.ts';

/**
 * Incidents (issue 14): anomalies that share a cause or open together in numbers fold into one
 * incident anomaly (rule `incident`). A member keeps its own row, with `incident_id` naming the
 * incident it belongs to; the incident is the one the wall shows as a card, the one work order and
 * the one push. Members split out by an operator get `split_at` and their own order.
 */
export const incidents: Migration = {
  id: 10,
  name: 'incidents',
  sql: `
alter table anomalies add column incident_id bigint references anomalies(id);
alter table anomalies add column split_at timestamptz;
create index anomalies_by_incident on anomalies (incident_id) where incident_id is not null;
create index anomalies_recent_open on anomalies (site_id, rule, opened_at) where status = 'open';
`,
};
