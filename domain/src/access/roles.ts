import type { WorkOrderAction } from '../work-orders/lifecycle.ts';

/**
 * Roles and what each may do (SPEC §10 security, issue 6). Default deny: a permission absent
 * from a role's row is refused. Grid scoping (which rows a steward sees) is separate: see
 * grid-scope.ts; a permission here says what kind of action, the scope says on which records.
 */
export const roles = ['operator', 'customer-service', 'steward', 'maintenance', 'security', 'supervisor', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  /** Read anomalies and work orders (scoped by grid for stewards, by department for crews). */
  'workOrders:read',
  /** 确认 on the control-room wall. */
  'workOrders:acknowledge',
  /** Intake by phone or visit (报修/投诉/咨询/求助). */
  'workOrders:create',
  /** 派单 / reassign / escalate by hand. */
  'workOrders:dispatch',
  /** 受理 / 到场 / 处理完成 and the checklist, on records in scope. */
  'workOrders:progress',
  /** Feedback to the owner, return visit (回访), close, reopen. */
  'workOrders:followUp',
  /** Cancel or mark a false alarm (误报). */
  'workOrders:cancel',
  /** The owner's phone number unmasked (masked on screen unless the role needs it, SPEC §3). */
  'owners:contact',
  'deadLetters:read',
  'reports:read',
  'audit:read',
  /** Roster (值班表) of the whole site. */
  'roster:manage',
  /** A steward's own on-duty toggle. */
  'roster:self',
  /** Web Push subscriptions of one's own devices and acknowledging one's pushes. */
  'push:self',
  /** Push records and delivery results of the whole site. */
  'push:read',
  'drills:run',
  /** The site map and one unit's page (occupancy, devices, readings, history); scoped by grid for stewards. */
  'site:read',
  /** The site's setup screen (devices, grids, people, thresholds) and the revision list, read-only. */
  'site:setup',
  /** 入住状态: change a unit's occupancy (vacant, custody with start readings…), on units in scope. */
  'occupancy:edit',
  /** A unit's consumption charts, on units in scope. */
  'telemetry:read',
  /** Site-wide water flow and the night-flow baseline (every meter of the site, so site-wide roles only). */
  'telemetry:site',
  /** 交接班: the shift's KPIs and the handover log. */
  'shift:read',
  /** Writing the handover note and taking a shift over. */
  'shift:write',
  /** Remote valve commands (关阀): the SOP's first step for water in an empty unit, confirmed and audited. */
  'valve:command',
  /** Edit, import and export the site document (devices, grids, unit facts, people, thresholds); it holds owners' phones. */
  'site:manage',
  'users:manage',
] as const;
export type Permission = (typeof permissions)[number];

const everyone: readonly Permission[] = ['workOrders:read', 'push:self'];
/** Everyone who sits at the console's screens (not the crews). */
const consoleScreens: readonly Permission[] = ['site:read', 'telemetry:read'];
/** The roles that see the whole site: the site-wide charts and the shift log. */
const siteWatch: readonly Permission[] = [...consoleScreens, 'telemetry:site', 'shift:read'];
/** The roles that hold a shift of the wall. */
const wallShift: readonly Permission[] = [...siteWatch, 'shift:write', 'site:setup', 'drills:run', 'valve:command'];
const controlRoom: readonly Permission[] = [
  ...everyone,
  'workOrders:acknowledge',
  'workOrders:create',
  'workOrders:dispatch',
  'workOrders:progress',
  'workOrders:cancel',
  'deadLetters:read',
  'push:read',
];

/**
 * The matrix. Why each row:
 * - operator (中控): the wall, acknowledge, dispatch, follow-up, statistics; the owner's phone stays
 *   masked (front desk and steward make the calls, SPEC §3).
 * - customer-service (客服): intake, follow-up, return visits; needs the owner's number.
 * - steward (管家): their grid's orders, owner contact for them (SOP: contact owner), own duty toggle.
 * - maintenance / security: their dispatched orders; the owner's number stays masked.
 * - supervisor / manager (主管/经理): escalations, roster, reports, audit.
 * - admin: everything, including users and site data.
 * Console screens (issue 6), per role:
 * - site:read: everyone but the crews; crews work from their dispatched orders, which carry the unit.
 *   Stewards see only the units of the grids they cover (the service scopes, out of scope → 404).
 * - site:setup: the control room and its supervisors (operator, supervisor, manager, admin) check the
 *   site file's devices and roster; front desk and stewards do not configure anything.
 * - occupancy:edit: customer service (move-in/out at the desk), steward (custody of their grid's keys,
 *   托管 start readings), supervisor, manager, admin; the operator watches, does not edit owners' records.
 * - telemetry:read: everyone with site:read (a steward explains a bill of their own grid's units).
 * - telemetry:site: the site-wide roles (the leak watch sums every grid's meters).
 * - shift:read: site-wide roles (customer service reads the handover log of the desk too).
 * - shift:write: the roles that hold a shift of the wall: operator, supervisor, manager, admin.
 * - drills:run: operator (the trainer), supervisor, manager, admin.
 */
export const rolePermissions: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  operator: new Set([...controlRoom, ...wallShift, 'workOrders:followUp', 'reports:read', 'audit:read']),
  'customer-service': new Set([
    ...everyone,
    'workOrders:create',
    'workOrders:dispatch',
    'workOrders:followUp',
    'workOrders:cancel',
    'owners:contact',
    'reports:read',
    ...siteWatch,
    'occupancy:edit',
  ]),
  steward: new Set([...everyone, ...consoleScreens, 'workOrders:progress', 'owners:contact', 'roster:self', 'occupancy:edit']),
  maintenance: new Set([...everyone, 'workOrders:progress']),
  security: new Set([...everyone, 'workOrders:progress']),
  supervisor: new Set([
    ...controlRoom,
    ...wallShift,
    'owners:contact',
    'occupancy:edit',
    'workOrders:followUp',
    'reports:read',
    'audit:read',
    'roster:manage',
    'roster:self',
  ]),
  manager: new Set([
    ...controlRoom,
    ...wallShift,
    'owners:contact',
    'occupancy:edit',
    'workOrders:followUp',
    'reports:read',
    'audit:read',
    'roster:manage',
    'roster:self',
  ]),
  admin: new Set(permissions),
};

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** Whether a role holds a permission; an unknown role holds none. */
export function can(role: string, permission: Permission): boolean {
  return isRole(role) && rolePermissions[role].has(permission);
}

/** The permission each lifecycle action needs (SPEC §6): the person on the job progresses it, the desk follows up. */
export const actionPermission: Readonly<Record<WorkOrderAction, Permission>> = {
  dispatch: 'workOrders:dispatch',
  accept: 'workOrders:progress',
  arrive: 'workOrders:progress',
  resolve: 'workOrders:progress',
  feedBack: 'workOrders:followUp',
  returnVisit: 'workOrders:followUp',
  close: 'workOrders:followUp',
  reopen: 'workOrders:followUp',
  cancel: 'workOrders:cancel',
  falseAlarm: 'workOrders:cancel',
  // The system's own (a device back online); a person asking for it needs the desk's rights.
  autoClose: 'workOrders:followUp',
};

/** Roles that see every record of their site; the others are scoped (grid or department). */
export const siteWideRoles: ReadonlySet<Role> = new Set(['operator', 'customer-service', 'supervisor', 'manager', 'admin']);

/** The department whose dispatched orders a crew role sees (SPEC §1: "their dispatched work orders"). */
export const departmentOfRole: Readonly<Partial<Record<Role, string>>> = { maintenance: 'maintenance', security: 'security' };
