import type { AreaEdit, BuildingEdit, UnitEdit } from '../schemas/site-config-dto.ts';
import { SiteEditNotFound } from './site-edits.ts';
import type { SiteFile } from './site-schema.ts';

/**
 * Buildings, units and public areas edited one at a time in the console (楼栋与房屋). Like the
 * other edits these are pure: the next document, which the caller checks as a whole. Removal is
 * refused while anything still points at the place (docs/configuration.md §Places): deleting
 * devices or work-order history as a side effect of removing a room is never what an admin meant.
 */

export type PlaceType = 'building' | 'unit' | 'area';

/** A work order still open on a place (its `unit_id` holds a unit or area id). */
export interface OpenWorkOrderRef {
  readonly id: string;
  readonly placeId: string;
}

const clone = (site: SiteFile): SiteFile => structuredClone(site);

/** Adds a building or changes its name, kind, floors and grid; its devices stay. */
export function putBuilding(site: SiteFile, buildingId: string, edit: Pick<BuildingEdit, 'building'>): SiteFile {
  const next = clone(site);
  const at = next.buildings.findIndex((b) => b.id === buildingId);
  const devices = at >= 0 ? (next.buildings[at]?.devices ?? []) : [];
  const building = { id: buildingId, ...edit.building, devices };
  if (at >= 0) next.buildings[at] = building;
  else next.buildings.push(building);
  return next;
}

/**
 * Adds a unit or moves it (building, floor, grid override). A new unit starts vacant with no key
 * and no owner; an existing one keeps its occupancy, facts and devices. `grid: null` drops the
 * override so the unit follows its building's grid.
 */
export function putUnit(site: SiteFile, unitId: string, edit: Pick<UnitEdit, 'unit'>): SiteFile {
  const next = clone(site);
  const at = next.units.findIndex((u) => u.id === unitId);
  const before = next.units[at];
  const { grid, occupancy, ...place } = edit.unit;
  const unit =
    before === undefined ? { id: unitId, keyHeld: false, devices: [], occupancy: { status: occupancy ?? 'vacant' }, ...place } : { ...before, ...place };
  if (before !== undefined && occupancy !== undefined) unit.occupancy = { ...before.occupancy, status: occupancy };
  if (grid === null || grid === undefined) delete (unit as { grid?: string }).grid;
  else unit.grid = grid;
  if (at >= 0) next.units[at] = unit;
  else next.units.push(unit);
  return next;
}

/** Adds a public area (gate, car park, plant room…) or changes it; its devices stay. */
export function putArea(site: SiteFile, areaId: string, edit: Pick<AreaEdit, 'area'>): SiteFile {
  const next = clone(site);
  const at = next.areas.findIndex((a) => a.id === areaId);
  const { building, ...rest } = edit.area;
  const area = { id: areaId, ...rest, devices: at >= 0 ? (next.areas[at]?.devices ?? []) : [], ...(building ? { building } : {}) };
  if (at >= 0) next.areas[at] = area;
  else next.areas.push(area);
  return next;
}

/**
 * What still points at the place, in words an admin can act on ("devices wm-1, wm-2"); empty
 * when it can go. Devices on the place, units and areas in a building, open work orders on it.
 */
export function placeReferences(site: SiteFile, type: PlaceType, id: string, openWorkOrders: readonly OpenWorkOrderRef[]): string[] {
  const list = type === 'unit' ? site.units : type === 'building' ? site.buildings : site.areas;
  const place = list.find((p) => p.id === id);
  if (place === undefined) throw new SiteEditNotFound(`no ${type} "${id}"`);
  const refs: string[] = [];
  if (place.devices.length > 0) refs.push(`devices ${place.devices.map((d) => d.id).join(', ')}`);
  if (type === 'building') {
    const units = site.units.filter((u) => u.building === id).map((u) => u.id);
    if (units.length > 0) refs.push(`units ${units.join(', ')}`);
    const areas = site.areas.filter((a) => a.building === id).map((a) => a.id);
    if (areas.length > 0) refs.push(`public areas ${areas.join(', ')}`);
    if (site.buildings.length === 1) refs.push('it is the site’s only building');
  }
  const orders = openWorkOrders.filter((w) => w.placeId === id).map((w) => `#${w.id}`);
  if (orders.length > 0) refs.push(`open work orders ${orders.join(', ')}`);
  return refs;
}

/** Removes the place; the caller has checked `placeReferences` is empty. */
export function removePlace(site: SiteFile, type: PlaceType, id: string): SiteFile {
  const next = clone(site);
  if (type === 'unit') next.units = next.units.filter((u) => u.id !== id);
  else if (type === 'building') next.buildings = next.buildings.filter((b) => b.id !== id);
  else next.areas = next.areas.filter((a) => a.id !== id);
  return next;
}

/**
 * An older revision's document as the next revision (history is never rewritten). Only a document
 * of the same site can come back.
 */
export function restoreSite(current: SiteFile, older: SiteFile): SiteFile {
  if (older.site.id !== current.site.id) throw new Error(`revision is of site "${older.site.id}", not "${current.site.id}"`);
  return clone(older);
}
