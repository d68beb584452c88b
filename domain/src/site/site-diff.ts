import type { SiteDevice, SiteFile } from './site-schema.ts';

/**
 * What an import or an edit changes, per collection, before it is applied (the console's dry
 * run). Items are matched by id; "changed" means any field differs. Rules are keyed by detector
 * id for the site (`vacant-unit-water`) and by `<unit type>/<detector id>` for per-type overrides.
 */
export const diffCollections = ['buildings', 'units', 'areas', 'devices', 'grids', 'people', 'rules'] as const;
export type DiffCollection = (typeof diffCollections)[number];

export interface CollectionDiff {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
}
export type SiteDiff = Record<DiffCollection, CollectionDiff> & {
  /** Site name, time zone, on-duty steward, sources, work-order policy or notify settings differ. */
  readonly settingsChanged: boolean;
};

/** JSON with object keys sorted, so two documents that differ only in key order compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Every device with the place it hangs on, so moving a device from one unit to another shows as a change. */
export function devicesOf(site: SiteFile): Map<string, { device: SiteDevice; holder: string }> {
  const all = new Map<string, { device: SiteDevice; holder: string }>();
  for (const b of site.buildings) for (const d of b.devices) all.set(d.id, { device: d, holder: `building:${b.id}` });
  for (const a of site.areas) for (const d of a.devices) all.set(d.id, { device: d, holder: `area:${a.id}` });
  for (const u of site.units) for (const d of u.devices) all.set(d.id, { device: d, holder: `unit:${u.id}` });
  return all;
}

function rulesOf(site: SiteFile): Map<string, unknown> {
  const all = new Map<string, unknown>(Object.entries(site.rules));
  for (const [type, rules] of Object.entries(site.rulesByUnitType)) for (const [id, rule] of Object.entries(rules ?? {})) all.set(`${type}/${id}`, rule);
  return all;
}

function compare(before: ReadonlyMap<string, unknown>, after: ReadonlyMap<string, unknown>): CollectionDiff {
  const diff: CollectionDiff = { added: [], changed: [], removed: [] };
  for (const [id, value] of after) {
    if (!before.has(id)) diff.added.push(id);
    else if (canonicalJson(before.get(id)) !== canonicalJson(value)) diff.changed.push(id);
  }
  for (const id of before.keys()) if (!after.has(id)) diff.removed.push(id);
  return diff;
}

const byId = <T extends { id: string }>(items: readonly T[], strip: (item: T) => unknown = (item) => item) => new Map(items.map((i) => [i.id, strip(i)]));
/** A holder's own fields: its devices are compared as devices. */
const withoutDevices = <T extends { devices: unknown }>({ devices: _devices, ...rest }: T) => rest;

export function diffSites(before: SiteFile, after: SiteFile): SiteDiff {
  const settings = (s: SiteFile) => canonicalJson([s.site, s.onDuty ?? null, s.sources, s.workOrders, s.notify]);
  return {
    buildings: compare(byId(before.buildings, withoutDevices), byId(after.buildings, withoutDevices)),
    units: compare(byId(before.units, withoutDevices), byId(after.units, withoutDevices)),
    areas: compare(byId(before.areas, withoutDevices), byId(after.areas, withoutDevices)),
    devices: compare(devicesOf(before), devicesOf(after)),
    grids: compare(byId(before.grids), byId(after.grids)),
    people: compare(byId(before.people), byId(after.people)),
    rules: compare(rulesOf(before), rulesOf(after)),
    settingsChanged: settings(before) !== settings(after),
  };
}

/** Whether applying would change nothing. */
export function isEmptyDiff(diff: SiteDiff): boolean {
  return !diff.settingsChanged && diffCollections.every((c) => diff[c].added.length + diff[c].changed.length + diff[c].removed.length === 0);
}
