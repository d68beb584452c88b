import { OPEN_STATUSES, type OpenWorkOrderRef } from '@dutyroom/domain';
import type { Queryable } from '@dutyroom/platform';

/** Open work orders on any of the places (unit or area ids): they keep a place from being removed. */
export async function openWorkOrdersOn(db: Queryable, siteId: string, placeIds: readonly string[]): Promise<OpenWorkOrderRef[]> {
  if (placeIds.length === 0) return [];
  const { rows } = await db.query<{ id: string; unit_id: string }>(
    `select id::text as id, unit_id from work_orders where site_id = $1 and unit_id = any($2) and status = any($3) order by id`,
    [siteId, [...placeIds], [...OPEN_STATUSES]],
  );
  return rows.map((r) => ({ id: r.id, placeId: r.unit_id }));
}
