import { describe, expect, it } from 'vitest';
import { can, permissions, rolePermissions, roles } from './roles.ts';

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
  ];
  it.each(table)('%s may %s: %s', (role, permission, expected) => {
    expect(can(role, permission)).toBe(expected);
  });

  it('gives every role its own row and only known permissions', () => {
    for (const role of roles) for (const p of rolePermissions[role]) expect(permissions).toContain(p);
    expect(rolePermissions.admin.size).toBe(permissions.length);
  });
});
