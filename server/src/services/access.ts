import type { UserDto } from '@dutyroom/domain';
import { ServiceError } from './errors.ts';

/** Roles that watch a whole site from the control room. Stewards' grid scoping comes with their accounts. */
const SITE_WIDE_ROLES = new Set(['operator', 'customer-service', 'supervisor', 'manager', 'admin']);

/** Default deny: a user reaches a site's board only with a site-wide role on that site. */
export function requireSiteAccess(user: UserDto | undefined, siteId: string): UserDto {
  if (user === undefined) throw new ServiceError('UNAUTHENTICATED', 'log in first');
  if (user.siteId !== siteId || !SITE_WIDE_ROLES.has(user.role)) throw new ServiceError('FORBIDDEN', 'this account may not see this site');
  return user;
}
