import type { Queryable } from '@dutyroom/platform';

/** Every action by a person or by the system leaves a row here, in the same transaction as the action. */
export async function audit(db: Queryable, entry: { actor: string; action: string; subjectType: string; subjectId: string; detail?: object }): Promise<void> {
  await db.query('insert into audit_log (actor, action, subject_type, subject_id, detail) values ($1, $2, $3, $4, $5)', [
    entry.actor,
    entry.action,
    entry.subjectType,
    entry.subjectId,
    JSON.stringify(entry.detail ?? {}),
  ]);
}
