import type { AuditEntry } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

/**
 * Every action by a person or by the system leaves a row here, in the same transaction as the
 * action: orders, anomalies, occupancy, valve commands. The table refuses updates and deletes.
 */
export async function audit(
  db: Queryable,
  entry: { actor: string; action: string; subjectType: string; subjectId: string; detail?: object; at?: number | undefined },
): Promise<void> {
  await db.query(
    `insert into audit_log (actor, action, subject_type, subject_id, detail, at)
     values ($1, $2, $3, $4, $5, coalesce(to_timestamp($6::float8 / 1000.0), now()))`,
    [entry.actor, entry.action, entry.subjectType, entry.subjectId, JSON.stringify(entry.detail ?? {}), entry.at ?? null],
  );
}

export interface AuditFilter {
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
  offset: number;
}

/** Entries of one site: those whose detail names it (every work-order, anomaly, occupancy and valve entry does). */
export async function listAudit(db: Queryable, siteId: string, f: AuditFilter): Promise<{ items: AuditEntry[]; total: number }> {
  const where: string[] = [`detail->>'siteId' = $1`];
  const params: unknown[] = [siteId];
  const add = (sql: (n: string) => string, value: unknown) => {
    if (value === undefined) return;
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  add((n) => `subject_type = ${n}`, f.subjectType);
  add((n) => `subject_id = ${n}`, f.subjectId);
  add((n) => `actor = ${n}`, f.actor);
  add((n) => `action = ${n}`, f.action);
  add((n) => `at >= to_timestamp(${n} / 1000.0)`, f.from);
  add((n) => `at < to_timestamp(${n} / 1000.0)`, f.to);
  const filter = where.join(' and ');
  const [page, count] = await Promise.all([
    db.query<AuditEntry>(
      `select id::text as id, (extract(epoch from at) * 1000)::float8 as at, actor, action, subject_type as "subjectType", subject_id as "subjectId", detail
       from audit_log where ${filter} order by audit_log.id desc limit ${f.limit} offset ${f.offset}`,
      params,
    ),
    db.query<{ n: number }>(`select count(*)::int as n from audit_log where ${filter}`, params),
  ]);
  return { items: page.rows, total: count.rows[0]?.n ?? 0 };
}
