import {
  can,
  canSee,
  gridsCoveredBy,
  type Permission,
  type Role,
  type Roster,
  type ScopedRecord,
  type ScopedUser,
  siteWideRoles,
  type UserDto,
} from '@dutyroom/domain';
import { ServiceError } from './errors.ts';

/**
 * Access checks: the first line of every service method (STYLE §8.6 habit 8). Default deny.
 * Roles and permissions come from domain/src/access/roles.ts; which records a steward or a crew
 * sees from domain/src/access/grid-scope.ts with the roster of this moment.
 */

export function requireUser(user: UserDto | undefined): UserDto {
  if (user === undefined) throw new ServiceError('UNAUTHENTICATED', 'log in first');
  return user;
}

/** The user holds `permission` on this site. */
export function requirePermission(user: UserDto | undefined, permission: Permission, siteId: string): UserDto {
  const u = requireUser(user);
  // A password an admin set is known to the admin: nothing but changing it until its owner does.
  if (u.mustChangePassword === true) throw new ServiceError('PASSWORD_CHANGE_REQUIRED', 'change your password first (POST /api/v1/me/password)');
  if (u.siteId !== siteId || !can(u.role, permission)) throw new ServiceError('FORBIDDEN', `this account may not do ${permission} here`);
  return u;
}

/** The user has one of these roles on this site. */
export function requireRole(user: UserDto | undefined, allowed: readonly Role[], siteId: string): UserDto {
  const u = requireUser(user);
  if (u.siteId !== siteId || !(allowed as readonly string[]).includes(u.role)) throw new ServiceError('FORBIDDEN', 'this account may not do this');
  return u;
}

/** Default deny: a user reaches a site's whole board only with a site-wide role on that site. */
export function requireSiteAccess(user: UserDto | undefined, siteId: string): UserDto {
  const u = requireUser(user);
  if (u.siteId !== siteId || !siteWideRoles.has(u.role as Role)) throw new ServiceError('FORBIDDEN', 'this account may not see this site');
  return u;
}

/** Grid scoping with the roster of the moment (the grids a steward covers change with duty). */
export interface GridScope {
  /** The user as scoping sees them: role, site, person and covered grids now. */
  scopeOf(user: UserDto): Promise<ScopedUser>;
  /** Throws NOT_FOUND (not FORBIDDEN: the record's existence is not revealed) when out of scope. */
  requireVisible(user: UserDto | undefined, permission: Permission, record: ScopedRecord & { readonly id: string }): Promise<UserDto>;
  /** Keeps what the user may see. */
  visible<T extends ScopedRecord>(user: UserDto, records: readonly T[]): Promise<T[]>;
}

export function createGridScope(deps: { siteId: string; roster: () => Promise<Roster>; now: () => number }): GridScope {
  const scopeOf = async (user: UserDto): Promise<ScopedUser> => {
    const coveredGrids = user.personId === null ? [] : gridsCoveredBy(await deps.roster(), user.personId, deps.now());
    return { role: user.role, siteId: user.siteId, personId: user.personId, coveredGrids };
  };
  return {
    scopeOf,
    async requireVisible(user, permission, record) {
      const u = requirePermission(user, permission, deps.siteId);
      if (!canSee(await scopeOf(u), record)) throw new ServiceError('NOT_FOUND', `no such record ${record.id}`);
      return u;
    },
    async visible(user, records) {
      const scoped = await scopeOf(user);
      return records.filter((r) => canSee(scoped, r));
    },
  };
}

/** What record-level access needs to know about a work order row. */
export interface OrderScopeFields {
  readonly id: string;
  readonly site_id: string;
  readonly grid_id: string | null;
  readonly department: string | null;
  readonly assignee_id: string | null;
}

/**
 * Access to one work order: the role's permission, then (for stewards and crews) the grid or
 * department scope of the order. Without a scope (a process with no roster) only site-wide roles pass.
 * An order out of scope answers NOT_FOUND, so its existence is not revealed.
 */
export async function requireOrderAccess(
  scope: GridScope | undefined,
  user: UserDto | undefined,
  permission: Permission,
  siteId: string,
  load: () => Promise<OrderScopeFields | undefined>,
): Promise<UserDto> {
  const u = requirePermission(user, permission, siteId);
  if (siteWideRoles.has(u.role as Role)) return u;
  if (scope === undefined) throw new ServiceError('FORBIDDEN', 'this account may not see this site');
  const order = await load();
  if (order === undefined || order.site_id !== siteId) throw new ServiceError('NOT_FOUND', 'no such work order');
  return scope.requireVisible(u, permission, {
    id: order.id,
    siteId: order.site_id,
    gridId: order.grid_id,
    department: order.department,
    assigneeId: order.assignee_id,
  });
}
