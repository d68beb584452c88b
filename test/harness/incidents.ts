import { type AnomalyEvent, INCIDENT_RULE, topics } from '@dutyroom/domain';
import { findAnomaly, type Queryable } from '@dutyroom/platform';
import mqtt from 'mqtt';

/** One member of an incident as a test lays it out. */
export interface MemberSpec {
  readonly unitId: string | null;
  readonly deviceId: string;
  /** When it opened (epoch ms). */
  readonly at: number;
  readonly status?: 'open' | 'cleared';
}

export interface IncidentSpec {
  readonly siteId: string;
  readonly memberRule: string;
  /** `site`, `building:<id>` or `gateway:<id>` (the contract's scope). */
  readonly scope: string;
  readonly cause: 'mass' | 'gateway' | 'site-revision' | 'time-jump';
  readonly severity: 'P1' | 'P2' | 'P3' | 'P4';
  readonly members: readonly MemberSpec[];
  readonly status?: 'open' | 'cleared';
}

const ts = (ms: number) => new Date(ms).toISOString();

/**
 * An incident as the ingest leaves it in the database (issue 14 contract): the incident row (rule
 * `incident`, no unit or device, flat evidence) and its members' own rows pointing at it.
 */
export async function insertIncident(db: Queryable, spec: IncidentSpec): Promise<{ incidentId: string; memberIds: string[] }> {
  const times = spec.members.map((m) => m.at);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const open = spec.members.filter((m) => (m.status ?? 'open') === 'open').length;
  const evidence = { memberRule: spec.memberRule, scope: spec.scope, cause: spec.cause, members: spec.members.length, firstAt: first, lastAt: last, open };
  const status = spec.status ?? 'open';
  const { rows } = await db.query<{ id: string }>(
    `insert into anomalies (site_id, rule, subject, dedup_key, status, severity, unit_id, device_id, opened_at, last_seen_at, reading_ts, count, evidence, cleared_at)
     values ($1, $2, $3, $4, $5, $6, null, null, $7, $8, $8, $9, $10, case when $5 = 'cleared' then $8::timestamptz end) returning id::text as id`,
    [
      spec.siteId,
      INCIDENT_RULE,
      `${spec.memberRule}@${spec.scope}`,
      `incident:${spec.memberRule}:${spec.scope}`,
      status,
      spec.severity,
      ts(first),
      ts(last),
      spec.members.length,
      JSON.stringify(evidence),
    ],
  );
  const incidentId = rows[0]?.id ?? '';
  const memberIds: string[] = [];
  for (const m of spec.members) {
    const mine = m.status ?? 'open';
    const inserted = await db.query<{ id: string }>(
      `insert into anomalies (site_id, rule, subject, dedup_key, status, severity, unit_id, device_id, opened_at, last_seen_at, reading_ts, count, evidence, incident_id, cleared_at)
       values ($1, $2, $3, $4, $5, $6, $7, $3, $8, $8, $8, 1, '{}', $9, case when $5 = 'cleared' then $8::timestamptz end) returning id::text as id`,
      [spec.siteId, spec.memberRule, m.deviceId, `${spec.siteId}:${spec.memberRule}:${m.deviceId}`, mine, spec.severity, m.unitId, ts(m.at), incidentId],
    );
    memberIds.push(inserted.rows[0]?.id ?? '');
  }
  return { incidentId, memberIds };
}

/**
 * Announces anomalies the way the ingest does after a change (`dutyroom/v1/<site>/anomalies/<id>`,
 * QoS 1): the server's anomaly follower relays each to the console and hands it to the dispatch.
 * Not retained, so a shared broker keeps nothing of the test.
 */
export async function publishAnomalies(
  mqttUrl: string,
  db: Queryable,
  siteId: string,
  ids: readonly string[],
  change: AnomalyEvent['change'] = 'opened',
): Promise<void> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: `test-ingest-${process.pid}-${Math.random().toString(36).slice(2)}`, clean: true });
  try {
    for (const id of ids) {
      const anomaly = await findAnomaly(db, id);
      if (anomaly === undefined) throw new Error(`no anomaly ${id} to publish`);
      const event: AnomalyEvent = { change, anomaly };
      await client.publishAsync(topics.anomaly(siteId, id), JSON.stringify(event), { qos: 1 });
    }
  } finally {
    await client.endAsync();
  }
}
