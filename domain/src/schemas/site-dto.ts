import { z } from 'zod';
import { severities } from '../model/anomaly.ts';
import { occupancyStatuses } from '../site/site-schema.ts';

/** The site map and unit detail the console shows (SPEC §3, §8). */

export const siteMapUnitSchema = z.object({
  id: z.string(),
  floor: z.number().int(),
  occupancy: z.enum(occupancyStatuses),
  /** Open anomalies about this unit or its devices. */
  openAnomalies: z.number().int(),
  /** The most severe open anomaly's severity, or null when none is open. */
  worst: z.enum(severities).nullable(),
});
export type SiteMapUnit = z.infer<typeof siteMapUnitSchema>;

export const siteMapBuildingSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  floors: z.number().int(),
  units: z.array(siteMapUnitSchema),
});
export type SiteMapBuilding = z.infer<typeof siteMapBuildingSchema>;

export const siteMapDtoSchema = z.object({
  siteId: z.string(),
  name: z.string(),
  timezone: z.string(),
  buildings: z.array(siteMapBuildingSchema),
});
export type SiteMapDto = z.infer<typeof siteMapDtoSchema>;

const isoDate = z.iso.date();
const startReadingsSchema = z.strictObject({
  waterM3: z.number().nonnegative().optional(),
  electricityKwh: z.number().nonnegative().optional(),
});

export const unitOccupancySchema = z.object({
  status: z.enum(occupancyStatuses),
  since: isoDate.nullable(),
  startReadings: z.object({ waterM3: z.number().nullable(), electricityKwh: z.number().nullable() }),
  updatedAt: z.number().nullable(),
  updatedBy: z.string().nullable(),
});
export type UnitOccupancy = z.infer<typeof unitOccupancySchema>;

/** Occupancy edit from the console (admin, customer service, steward); 托管 needs its start readings. */
export const occupancyUpdateSchema = z
  .strictObject({
    status: z.enum(occupancyStatuses),
    since: isoDate.optional(),
    startReadings: startReadingsSchema.optional(),
    note: z.string().max(500).optional(),
  })
  .refine((u) => u.status !== 'custody' || (u.since !== undefined && u.startReadings !== undefined), {
    message: 'custody needs a start date and start readings (托管需起始日期与起始读数)',
    path: ['startReadings'],
  });
export type OccupancyUpdate = z.infer<typeof occupancyUpdateSchema>;

export const unitDeviceSchema = z.object({
  id: z.string(),
  kind: z.string(),
  hasValve: z.boolean(),
  lastTs: z.number().nullable(),
  lastValue: z.number().nullable(),
});

export const unitHistoryItemSchema = z.object({
  type: z.enum(['anomaly', 'work-order', 'audit']),
  id: z.string(),
  at: z.number(),
  text: z.object({ zh: z.string(), en: z.string() }),
  severity: z.enum(severities).nullable(),
  status: z.string(),
});
export type UnitHistoryItem = z.infer<typeof unitHistoryItemSchema>;

export const unitDetailDtoSchema = z.object({
  id: z.string(),
  buildingId: z.string(),
  floor: z.number().int(),
  gridId: z.string(),
  keyHeld: z.boolean(),
  occupancy: unitOccupancySchema,
  /** Owner contact; the phone is masked (138****0001) unless the viewer's role needs it. */
  owner: z.object({ name: z.string(), phone: z.string().nullable(), masked: z.boolean() }).nullable(),
  devices: z.array(unitDeviceSchema),
  recentReadings: z.array(z.object({ deviceId: z.string(), kind: z.string(), ts: z.number(), value: z.number() })),
  history: z.array(unitHistoryItemSchema),
});
export type UnitDetailDto = z.infer<typeof unitDetailDtoSchema>;

/** The site file's setup as the admin screen shows it: devices and their mapping, grids and roster, rule thresholds. */
export const siteSetupDtoSchema = z.object({
  devices: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      /** Unit, public area or building it belongs to. */
      place: z.string(),
      ecosystem: z.string(),
      gateway: z.string().nullable(),
      hasValve: z.boolean(),
    }),
  ),
  grids: z.array(z.object({ id: z.string(), name: z.string(), steward: z.string(), units: z.number().int() })),
  people: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })),
  onDuty: z.string().nullable(),
  /** Per detector: its defaults, the site's overrides and the overrides per unit type. */
  rules: z.array(
    z.object({
      detector: z.string(),
      rules: z.array(z.string()),
      defaults: z.record(z.string(), z.unknown()),
      site: z.record(z.string(), z.unknown()),
      byUnitType: z.record(z.string(), z.record(z.string(), z.unknown())),
    }),
  ),
});
export type SiteSetupDto = z.infer<typeof siteSetupDtoSchema>;
