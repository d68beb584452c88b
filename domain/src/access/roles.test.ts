import { describe, expect, it } from 'vitest';
import { can, permissions, rolePermissions, roles, siteWideRoles } from './roles.ts';

describe('role × permission matrix', () => {
  const table: [string, (typeof permissions)[number], boolean][] = [
    ['operator', 'workOrders:acknowledge', true],
    ['operator', 'users:manage', false],
    ['operator', 'owners:contact', false],
    ['supervisor', 'owners:contact', true],
    ['customer-service', 'workOrders:create', true],
    ['customer-service', 'workOrders:acknowledge', false],
    ['steward', 'workOrders:progress', true],
    ['steward', 'owners:contact', true],
    ['steward', 'workOrders:dispatch', false],
    ['steward', 'deadLetters:read', false],
    ['steward', 'roster:manage', false],
    ['steward', 'roster:self', true],
    ['maintenance', 'owners:contact', false],
    ['security', 'owners:contact', false],
    ['security', 'workOrders:progress', true],
    ['supervisor', 'roster:manage', true],
    ['supervisor', 'users:manage', false],
    ['admin', 'users:manage', true],
    ['nobody', 'workOrders:read', false],
    ['steward', 'site:read', true],
    ['steward', 'occupancy:edit', true],
    ['steward', 'telemetry:read', true],
    ['steward', 'telemetry:site', false],
    ['steward', 'site:setup', false],
    ['steward', 'shift:read', false],
    ['maintenance', 'site:read', false],
    ['security', 'telemetry:read', false],
    ['operator', 'occupancy:edit', false],
    ['operator', 'shift:write', true],
    ['operator', 'drills:run', true],
    ['customer-service', 'occupancy:edit', true],
    ['customer-service', 'shift:write', false],
    ['customer-service', 'drills:run', false],
    ['manager', 'site:setup', true],
  ];
  it.each(table)('%s may %s: %s', (role, permission, expected) => {
    expect(can(role, permission)).toBe(expected);
  });

  it('gives every role its own row and only known permissions', () => {
    for (const role of roles) for (const p of rolePermissions[role]) expect(permissions).toContain(p);
    expect(rolePermissions.admin.size).toBe(permissions.length);
  });

  // The console's live events go to the site room (every site-wide role) and to grid rooms (stewards):
  // whoever sits in those rooms must hold the permission that reads the same data over REST.
  it('gives every site-wide role what the site room receives', () => {
    for (const role of siteWideRoles)
      for (const p of ['site:read', 'shift:read', 'telemetry:site'] as const) expect(`${role} ${can(role, p)}`).toBe(`${role} true`);
  });
});
