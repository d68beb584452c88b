import { departmentOfRole, isRole, siteWideRoles } from './roles.ts';

/** Who is asking, reduced to what scoping needs. `coveredGrids` comes from the roster (coverage.ts). */
export interface ScopedUser {
  readonly role: string;
  readonly siteId: string;
  /** The person (people.id in the site file) this account is; stewards and crews need one. */
  readonly personId: string | null;
  /** Grids the person answers for now: owned, plus those covered while on duty. */
  readonly coveredGrids: readonly string[];
}

/** What a record says about where it belongs. */
export interface ScopedRecord {
  readonly siteId: string;
  readonly gridId: string | null;
  readonly department?: string | null | undefined;
  readonly assigneeId?: string | null | undefined;
}

/**
 * Whether the user may see the record (issue 6: "a steward receives and can read only the
 * anomalies, orders and owner data of their own grid, and the grid they cover while on duty").
 *
 *   role              same site   other site
 *   site-wide roles   yes         no
 *   steward           gridId ∈ coveredGrids, or assigned to them
 *   maintenance/sec.  department is theirs, or assigned to them
 *   anything else     no
 */
export function canSee(user: ScopedUser, record: ScopedRecord): boolean {
  if (record.siteId !== user.siteId || !isRole(user.role)) return false;
  if (siteWideRoles.has(user.role)) return true;
  if (user.personId !== null && record.assigneeId === user.personId) return true;
  if (user.role === 'steward') return record.gridId !== null && user.coveredGrids.includes(record.gridId);
  const department = departmentOfRole[user.role];
  return department !== undefined && record.department === department;
}

/** Keeps only what the user may see, in order. */
export function visibleTo<T extends ScopedRecord>(user: ScopedUser, records: readonly T[]): T[] {
  return records.filter((r) => canSee(user, r));
}
