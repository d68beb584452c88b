import { z } from 'zod';
import type { SiteDiff } from '../site/site-diff.ts';
import {
  occupancyStatuses,
  siteAreaSchema,
  siteBuildingSchema,
  siteDeviceSchema,
  siteGridSchema,
  siteOwnerSchema,
  sitePersonSchema,
  unitTypes,
} from '../site/site-schema.ts';

import { dispatchSettingSchema } from '../work-orders/dispatch.ts';

/**
 * The site document edited in the console (SPEC §3, §8): every edit names the revision it was
 * made on (`expectedRevision`), so two admins editing at once never overwrite each other: the
 * second gets 409 and reloads. docs/configuration.md §Site data.
 */

const revisionNumber = z.number().int().positive();
const comment = z.string().trim().max(500).optional();
const editBase = { expectedRevision: revisionNumber, comment };

/** Payload of `dutyroom/v1/<site>/site/revision` (retained, QoS 1): the revision to load from the database. */
export const siteRevisionEventSchema = z.strictObject({
  siteId: z.string().min(1),
  revision: revisionNumber,
  savedAt: z.number().int().positive(),
});
export type SiteRevisionEvent = z.infer<typeof siteRevisionEventSchema>;

export const siteRevisionInfoSchema = z.object({
  revision: z.number().int(),
  author: z.string(),
  at: z.number(),
  comment: z.string(),
});
export type SiteRevisionInfo = z.infer<typeof siteRevisionInfoSchema>;

/** The current revision with its whole document (the site file's shape, defaults filled in). */
export const siteConfigDtoSchema = siteRevisionInfoSchema.extend({ document: z.record(z.string(), z.unknown()) });
export type SiteConfigDto = z.infer<typeof siteConfigDtoSchema>;

export const deviceHolderSchema = z.strictObject({ type: z.enum(['unit', 'building', 'area']), id: z.string().min(1) });
export type DeviceHolder = z.infer<typeof deviceHolderSchema>;

/** Add a device or change its mapping (ecosystem, source address, gateway, quirks, valve), or move it. */
export const deviceEditSchema = z.strictObject({ ...editBase, holder: deviceHolderSchema, device: siteDeviceSchema });
export type DeviceEdit = z.infer<typeof deviceEditSchema>;

/** A grid (网格): its name, steward, and which buildings and units it covers (units override their building). */
export const gridEditSchema = z.strictObject({
  ...editBase,
  grid: siteGridSchema.omit({ id: true }),
  buildings: z.array(z.string().min(1)).optional(),
  units: z.array(z.string().min(1)).optional(),
});
export type GridEdit = z.infer<typeof gridEditSchema>;

/** A unit's facts: 有钥匙, the owner's contact and preferred contact hours (null removes the owner). */
export const unitFactsEditSchema = z.strictObject({
  ...editBase,
  keyHeld: z.boolean().optional(),
  owner: siteOwnerSchema.nullable().optional(),
});
export type UnitFactsEdit = z.infer<typeof unitFactsEditSchema>;

const ruleValues = z.record(z.string(), z.unknown());
/**
 * One detector's thresholds for the whole site and per unit type; each part checked by the
 * detector's configSchema. `dispatch` sets the dispatch of the detector's rules (issue 14): each rule
 * named gets its setting, `null` returns it to the default; rules not named keep theirs.
 */
export const ruleEditSchema = z.strictObject({
  ...editBase,
  site: ruleValues,
  byUnitType: z.partialRecord(z.enum(unitTypes), ruleValues).default({}),
  dispatch: z.record(z.string(), dispatchSettingSchema.nullable()).optional(),
});
export type RuleEdit = z.infer<typeof ruleEditSchema>;

export const personEditSchema = z.strictObject({ ...editBase, person: sitePersonSchema.omit({ id: true }) });
export type PersonEdit = z.infer<typeof personEditSchema>;

export const removeEditQuerySchema = z.object({ expectedRevision: z.coerce.number().int().positive(), comment });

/** `revision` exports an older revision (default: the current one). */
export const siteExportQuerySchema = z.object({ format: z.enum(['yaml', 'json']).default('yaml'), revision: z.coerce.number().int().positive().optional() });

/** A site file to import, as text: validated, compared with the current revision, applied unless `dryRun`. */
export const siteImportSchema = z.strictObject({
  ...editBase,
  format: z.enum(['yaml', 'json']),
  text: z.string().min(1).max(1_000_000),
  dryRun: z.boolean().default(true),
});
export type SiteImport = z.infer<typeof siteImportSchema>;

const collectionDiffSchema = z.object({ added: z.array(z.string()), changed: z.array(z.string()), removed: z.array(z.string()) });
export const siteDiffSchema = z.object({
  buildings: collectionDiffSchema,
  units: collectionDiffSchema,
  areas: collectionDiffSchema,
  devices: collectionDiffSchema,
  grids: collectionDiffSchema,
  people: collectionDiffSchema,
  rules: collectionDiffSchema,
  settingsChanged: z.boolean(),
}) satisfies z.ZodType<SiteDiff>;

export const siteImportResultSchema = z.object({
  diff: siteDiffSchema,
  /** True when the import was saved as a new revision (false for a dry run or a document equal to the current one). */
  applied: z.boolean(),
  revision: z.number().int(),
});
export type SiteImportResult = z.infer<typeof siteImportResultSchema>;

export const siteRevisionListSchema = z.object({ items: z.array(siteRevisionInfoSchema) });

const placeId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" or "-"');

/** A building (楼栋): name, kind (high-rise, multi-storey, villa 别墅, shop 商铺), floors, grid. Its devices are edited in the devices tab. */
export const buildingEditSchema = z.strictObject({ ...editBase, building: siteBuildingSchema.omit({ id: true, devices: true }) });
export type BuildingEdit = z.infer<typeof buildingEditSchema>;

/**
 * A unit (房屋) such as 3-1-1202: its building, floor and grid override (null: the building's grid).
 * Its type is its building's kind. `occupancy` sets the status of a new unit (default vacant);
 * the map's occupancy edits stay over it.
 */
export const unitEditSchema = z.strictObject({
  ...editBase,
  unit: z.strictObject({
    building: placeId,
    floor: z.number().int(),
    grid: placeId.nullable().optional(),
    occupancy: z.enum(occupancyStatuses).optional(),
  }),
});
export type UnitEdit = z.infer<typeof unitEditSchema>;

/** A public area (公共区域): gate, car park, plant room, stairwell with fire doors…; its grid and building (null: none). */
export const areaEditSchema = z.strictObject({
  ...editBase,
  area: siteAreaSchema.omit({ id: true, devices: true, building: true }).extend({ building: placeId.nullable().optional() }),
});
export type AreaEdit = z.infer<typeof areaEditSchema>;

/** Restore an older revision: its document becomes the next revision. */
export const siteRestoreSchema = z.strictObject({ ...editBase });
export type SiteRestore = z.infer<typeof siteRestoreSchema>;

export const siteRevisionDiffQuerySchema = z.object({ against: z.enum(['previous', 'current']).default('previous') });
/** What a revision changed: from `from` (its predecessor, or it against the current one) to `to`. */
export const siteRevisionDiffSchema = z.object({
  revision: siteRevisionInfoSchema,
  from: z.number().int(),
  to: z.number().int(),
  diff: siteDiffSchema,
});
export type SiteRevisionDiff = z.infer<typeof siteRevisionDiffSchema>;
