import { type AnomalyDto, ruleTitles } from '@dutyroom/domain';
import type { Queryable } from '../db/db.ts';

/** Columns every reader of anomalies selects, in the shape `toAnomalyDto` maps. */
export const ANOMALY_COLUMNS = `id::text as id, site_id, rule, subject, unit_id, device_id, severity, status,
  (extract(epoch from opened_at) * 1000)::float8 as opened_at,
  (extract(epoch from last_seen_at) * 1000)::float8 as last_seen_at,
  (extract(epoch from reading_ts) * 1000)::float8 as reading_ts,
  count, evidence, drill, version, clear_closes_work_order, incident_id::text as incident_id,
  (extract(epoch from split_at) * 1000)::float8 as split_at`;

export interface AnomalyRow {
  id: string;
  site_id: string;
  rule: string;
  subject: string;
  unit_id: string | null;
  device_id: string | null;
  severity: AnomalyDto['severity'];
  status: AnomalyDto['status'];
  opened_at: number;
  last_seen_at: number;
  reading_ts: number;
  count: number;
  evidence: AnomalyDto['evidence'];
  drill: boolean;
  version: number;
  clear_closes_work_order: boolean | null;
  incident_id: string | null;
  split_at: number | null;
}

export function toAnomalyDto(row: AnomalyRow): AnomalyDto {
  return {
    id: row.id,
    siteId: row.site_id,
    rule: row.rule,
    title: ruleTitles[row.rule] ?? { zh: row.rule, en: row.rule },
    subject: row.subject,
    unitId: row.unit_id,
    deviceId: row.device_id,
    severity: row.severity,
    status: row.status,
    openedAt: row.opened_at,
    lastSeenAt: row.last_seen_at,
    readingTs: row.reading_ts,
    count: row.count,
    evidence: row.evidence,
    drill: row.drill,
    version: row.version,
    // A clear being held down (flapping merge) is not a clear yet.
    clearClosesWorkOrder: row.status === 'cleared' ? row.clear_closes_work_order : null,
    incidentId: row.incident_id ?? null,
    splitAt: row.split_at ?? null,
  };
}

export async function findAnomaly(db: Queryable, id: string): Promise<AnomalyDto | undefined> {
  const { rows } = await db.query<AnomalyRow>(`select ${ANOMALY_COLUMNS} from anomalies where id = $1`, [id]);
  return rows[0] && toAnomalyDto(rows[0]);
}
