import { z } from 'zod';
import { departments, workOrderPolicySchema } from '../work-orders/policy-schema.ts';
import { deviceSourceSchema, siteSourcesSchema } from './device-source-schema.ts';
import { siteNotifySchema } from './notify-schema.ts';

/**
 * The site file (one community, 小区/项目). Parsed at the edge by this schema; the YAML loader
 * maps each issue's path back to a line and column of the file.
 */

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" or "-"');
const isoDate = z.iso.date();

export const occupancyStatuses = ['occupied', 'vacant', 'custody', 'decorating', 'shop-closed'] as const;
export type OccupancyStatus = (typeof occupancyStatuses)[number];

const occupancySchema = z.union(
  [
    z.enum(occupancyStatuses).transform((status) => ({ status })),
    z.strictObject({
      status: z.enum(occupancyStatuses),
      since: isoDate.optional(),
      /** 托管: meter readings taken when custody started (the allowance counts from them). */
      startReadings: z.strictObject({ waterM3: z.number().nonnegative().optional(), electricityKwh: z.number().nonnegative().optional() }).optional(),
    }),
  ],
  { error: `one of ${occupancyStatuses.join(', ')}, or { status, since, startReadings }` },
);

export const deviceKinds = [
  'water-meter',
  'electricity-meter',
  'fire-panel',
  'smoke-detector',
  'gas-detector',
  'leak-sensor',
  'door-contact',
  'access-reader',
  'gateway',
] as const;
export type DeviceKind = (typeof deviceKinds)[number];

const deviceSchema = z.strictObject({
  id,
  kind: z.enum(deviceKinds),
  /** Where its messages come from when it does not speak the native protocol. */
  source: deviceSourceSchema.optional(),
  /** Litres (water) or kWh (electricity) per pulse, for meters that report pulse counts. */
  pulseFactor: z.number().positive().optional(),
  /** Unit of `total` when the device sends none in its payload. */
  totalUnit: z.enum(['L', 'm3', 'kWh', 'Wh']).optional(),
  /** Multiplies every numeric value the device sends (firmware that reports ×10, Wh as kWh…). */
  scale: z.number().positive().optional(),
  /** The device reports its boolean state inverted (a leak sensor that says wet when dry). */
  invert: z.boolean().optional(),
  /** Which clock to trust: the device's (unless absurd) or always the broker's receive time. */
  clock: z.enum(['device', 'broker']).optional(),
  hasValve: z.boolean().optional(),
  /** The gateway or concentrator it reaches the network through (storm control groups by it). */
  gateway: id.optional(),
  /** Fire zone (防火分区/报警区域) of a detector, or the zone a panel's points belong to by default. */
  zone: z.string().min(1).optional(),
  /** A fire door (防火门): must stay closed, must not be locked. */
  fireDoor: z.boolean().optional(),
  /** Expected seconds between two messages; missing three in a row is "offline". */
  heartbeatSeconds: z.number().positive().optional(),
});

const ownerSchema = z.strictObject({
  name: z.string().min(1),
  phone: z.string().regex(/^\+?[\d -]{5,20}$/, 'a phone number such as 13800000000'),
  contactHours: z.string().optional(),
});

const unitSchema = z.strictObject({
  id,
  building: id,
  floor: z.number().int(),
  occupancy: occupancySchema,
  /** 有钥匙: the management holds a key to the unit. */
  keyHeld: z.boolean().default(false),
  owner: ownerSchema.optional(),
  /** Overrides the building's grid. */
  grid: id.optional(),
  devices: z.array(deviceSchema).default([]),
});

const buildingSchema = z.strictObject({
  id,
  name: z.string().min(1),
  kind: z.enum(['high-rise', 'multi-storey', 'villa', 'shop']),
  floors: z.number().int().positive(),
  grid: id,
  devices: z.array(deviceSchema).default([]),
});

export const personRoles = ['steward', 'operator', 'customer-service', 'maintenance', 'security', 'cleaning', 'supervisor', 'manager'] as const;
const personSchema = z.strictObject({
  id,
  name: z.string().min(1),
  role: z.enum(personRoles),
  phone: z.string().optional(),
  /** The department a supervisor or manager heads, or one that differs from the role's usual one. */
  department: z.enum(departments).optional(),
});

const gridSchema = z.strictObject({ id, name: z.string().min(1), steward: id });

/** 公共区域: gates, car park, plant rooms, stairwells with fire doors. Public-area devices route by area. */
export const areaKinds = ['gate', 'car-park', 'plant-room', 'stairwell', 'lobby', 'clubhouse', 'outdoor', 'other'] as const;
const areaSchema = z.strictObject({
  id,
  name: z.string().min(1),
  kind: z.enum(areaKinds),
  /** The building it is in, if any. */
  building: id.optional(),
  grid: id,
  devices: z.array(deviceSchema).default([]),
});

/** Unit types for per-type rule thresholds: the kind of building the unit is in. */
export const unitTypes = ['high-rise', 'multi-storey', 'villa', 'shop'] as const;
export type UnitType = (typeof unitTypes)[number];

/** Rule configuration by detector id; each detector's own schema checks its part at start-up. */
const ruleConfigSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

export const siteFileSchema = z
  .strictObject({
    site: z.strictObject({
      id,
      name: z.string().min(1),
      timezone: z.string().default('Asia/Shanghai'),
    }),
    people: z.array(personSchema).min(1),
    grids: z.array(gridSchema).min(1),
    /** 值班: the steward on duty, who covers a grid whose steward is off duty. */
    onDuty: id.optional(),
    buildings: z.array(buildingSchema).min(1),
    units: z.array(unitSchema),
    areas: z.array(areaSchema).default([]),
    /** Thresholds per rule for the whole site, e.g. `vacant-unit-water: { thresholdLitres: 20 }`. */
    rules: ruleConfigSchema.default({}),
    /** Thresholds per rule and unit type, over `rules`, e.g. `shop: { vacant-unit-electricity: { standbyKw: 0.2 } }`. */
    rulesByUnitType: z.partialRecord(z.enum(unitTypes), ruleConfigSchema).default({}),
    sources: siteSourcesSchema.prefault({}),
    workOrders: workOrderPolicySchema.prefault({}),
    notify: siteNotifySchema.prefault({}),
  })
  .superRefine((file, ctx) => {
    const people = new Set(file.people.map((p) => p.id));
    const grids = new Set(file.grids.map((g) => g.id));
    const buildings = new Map(file.buildings.map((b) => [b.id, b]));
    const seenDevices = new Set<string>();
    const seenUnits = new Set<string>();
    const checkDevice = (deviceId: string, path: (string | number)[]) => {
      if (seenDevices.has(deviceId)) ctx.addIssue({ code: 'custom', path, message: `device "${deviceId}" is listed twice` });
      seenDevices.add(deviceId);
    };
    file.grids.forEach((g, i) => {
      if (!people.has(g.steward)) ctx.addIssue({ code: 'custom', path: ['grids', i, 'steward'], message: `no person "${g.steward}" in people` });
    });
    if (file.onDuty !== undefined && !people.has(file.onDuty))
      ctx.addIssue({ code: 'custom', path: ['onDuty'], message: `no person "${file.onDuty}" in people` });
    file.buildings.forEach((b, i) => {
      if (!grids.has(b.grid)) ctx.addIssue({ code: 'custom', path: ['buildings', i, 'grid'], message: `no grid "${b.grid}"` });
      b.devices.forEach((d, j) => {
        checkDevice(d.id, ['buildings', i, 'devices', j, 'id']);
      });
    });
    file.areas.forEach((a, i) => {
      if (!grids.has(a.grid)) ctx.addIssue({ code: 'custom', path: ['areas', i, 'grid'], message: `no grid "${a.grid}"` });
      if (a.building !== undefined && !buildings.has(a.building))
        ctx.addIssue({ code: 'custom', path: ['areas', i, 'building'], message: `no building "${a.building}"` });
      a.devices.forEach((d, j) => {
        checkDevice(d.id, ['areas', i, 'devices', j, 'id']);
      });
    });
    file.units.forEach((u, i) => {
      if (seenUnits.has(u.id)) ctx.addIssue({ code: 'custom', path: ['units', i, 'id'], message: `unit "${u.id}" is listed twice` });
      seenUnits.add(u.id);
      const building = buildings.get(u.building);
      if (building === undefined) ctx.addIssue({ code: 'custom', path: ['units', i, 'building'], message: `no building "${u.building}"` });
      else if (u.floor > building.floors)
        ctx.addIssue({ code: 'custom', path: ['units', i, 'floor'], message: `building "${building.id}" has ${building.floors} floors` });
      if (u.grid !== undefined && !grids.has(u.grid)) ctx.addIssue({ code: 'custom', path: ['units', i, 'grid'], message: `no grid "${u.grid}"` });
      u.devices.forEach((d, j) => {
        checkDevice(d.id, ['units', i, 'devices', j, 'id']);
      });
    });
    const gateways = new Set(
      [...file.buildings, ...file.areas, ...file.units].flatMap((holder) => holder.devices.filter((d) => d.kind === 'gateway').map((d) => d.id)),
    );
    const checkGateway = (list: readonly { devices: readonly { gateway?: string | undefined }[] }[], collection: string) =>
      list.forEach((holder, i) => {
        holder.devices.forEach((d, j) => {
          if (d.gateway !== undefined && !gateways.has(d.gateway))
            ctx.addIssue({ code: 'custom', path: [collection, i, 'devices', j, 'gateway'], message: `no gateway device "${d.gateway}"` });
        });
      });
    checkGateway(file.buildings, 'buildings');
    checkGateway(file.areas, 'areas');
    checkGateway(file.units, 'units');
  });

export type SiteFile = z.infer<typeof siteFileSchema>;
export type SiteDevice = z.infer<typeof deviceSchema>;
export type SiteUnit = z.infer<typeof unitSchema>;
export type Occupancy = z.infer<typeof occupancySchema>;
export type SiteArea = z.infer<typeof areaSchema>;
/** The parts the console edits one at a time (site-config routes); the whole document is checked by `siteFileSchema`. */
export {
  areaSchema as siteAreaSchema,
  buildingSchema as siteBuildingSchema,
  deviceSchema as siteDeviceSchema,
  gridSchema as siteGridSchema,
  ownerSchema as siteOwnerSchema,
  personSchema as sitePersonSchema,
};
export type SitePerson = z.infer<typeof personSchema>;
export type SiteGrid = z.infer<typeof gridSchema>;
