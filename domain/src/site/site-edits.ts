import { checkSiteRules } from '../detectors/config.ts';
import type { AnyDetector } from '../detectors/detector.ts';
import type { DeviceEdit, GridEdit, PersonEdit, RuleEdit, UnitFactsEdit } from '../schemas/site-config-dto.ts';
import { type SiteFile, siteFileSchema, type UnitType } from './site-schema.ts';

/**
 * The console's edits of the site document, as pure functions from one document to the next.
 * Each returns the whole next document, which the caller checks with `validateSiteDocument`
 * (the same schema as the site file) before saving it as a new revision.
 */

export interface SiteIssue {
  readonly path: string;
  readonly message: string;
}

/** A thing the edit names that the document does not have (the caller answers 404). */
export class SiteEditNotFound extends Error {}

const clone = (site: SiteFile): SiteFile => structuredClone(site);

function removeDeviceFrom(site: SiteFile, deviceId: string): boolean {
  let found = false;
  for (const holder of [...site.buildings, ...site.areas, ...site.units]) {
    const at = holder.devices.findIndex((d) => d.id === deviceId);
    if (at >= 0) {
      holder.devices.splice(at, 1);
      found = true;
    }
  }
  return found;
}

/** Adds the device, or replaces it (mapping, quirks, valve) where it was, or moves it to another holder. */
export function putDevice(site: SiteFile, edit: Pick<DeviceEdit, 'holder' | 'device'>): SiteFile {
  const next = clone(site);
  const list = edit.holder.type === 'unit' ? next.units : edit.holder.type === 'building' ? next.buildings : next.areas;
  const holder = list.find((h) => h.id === edit.holder.id);
  if (holder === undefined) throw new SiteEditNotFound(`no ${edit.holder.type} "${edit.holder.id}"`);
  const at = holder.devices.findIndex((d) => d.id === edit.device.id);
  if (at >= 0) holder.devices[at] = edit.device;
  else {
    removeDeviceFrom(next, edit.device.id);
    holder.devices.push(edit.device);
  }
  return next;
}

export function removeDevice(site: SiteFile, deviceId: string): SiteFile {
  const next = clone(site);
  if (!removeDeviceFrom(next, deviceId)) throw new SiteEditNotFound(`no device "${deviceId}"`);
  return next;
}

/**
 * Adds or changes a grid. `buildings` lists the buildings it covers (a building not listed keeps
 * its grid); `units` lists units assigned to it over their building's grid, and a unit that had
 * this grid as an override but is no longer listed falls back to its building's grid.
 */
export function putGrid(site: SiteFile, gridId: string, edit: Pick<GridEdit, 'grid' | 'buildings' | 'units'>): SiteFile {
  const next = clone(site);
  const grid = { id: gridId, ...edit.grid };
  const at = next.grids.findIndex((g) => g.id === gridId);
  if (at >= 0) next.grids[at] = grid;
  else next.grids.push(grid);
  for (const id of edit.buildings ?? []) {
    const building = next.buildings.find((b) => b.id === id);
    if (building === undefined) throw new SiteEditNotFound(`no building "${id}"`);
    building.grid = gridId;
  }
  if (edit.units !== undefined) {
    const listed = new Set(edit.units);
    for (const id of listed) if (!next.units.some((u) => u.id === id)) throw new SiteEditNotFound(`no unit "${id}"`);
    for (const unit of next.units) {
      if (listed.has(unit.id)) unit.grid = gridId;
      else if (unit.grid === gridId) delete unit.grid;
    }
  }
  return next;
}

export function removeGrid(site: SiteFile, gridId: string): SiteFile {
  if (!site.grids.some((g) => g.id === gridId)) throw new SiteEditNotFound(`no grid "${gridId}"`);
  const next = clone(site);
  next.grids = next.grids.filter((g) => g.id !== gridId);
  return next;
}

export function putUnitFacts(site: SiteFile, unitId: string, edit: Pick<UnitFactsEdit, 'keyHeld' | 'owner'>): SiteFile {
  const next = clone(site);
  const unit = next.units.find((u) => u.id === unitId);
  if (unit === undefined) throw new SiteEditNotFound(`no unit "${unitId}"`);
  if (edit.keyHeld !== undefined) unit.keyHeld = edit.keyHeld;
  if (edit.owner === null) delete unit.owner;
  else if (edit.owner !== undefined) unit.owner = edit.owner;
  return next;
}

/**
 * Replaces one detector's thresholds (site-wide and per unit type); empty objects are dropped. Each
 * rule named in `dispatch` gets that setting under `workOrders.dispatch` (null: back to the default).
 */
export function putRule(site: SiteFile, detectorId: string, edit: Pick<RuleEdit, 'site' | 'byUnitType'> & Partial<Pick<RuleEdit, 'dispatch'>>): SiteFile {
  const next = clone(site);
  if (edit.dispatch !== undefined) {
    const dispatch = { ...next.workOrders.dispatch };
    for (const [rule, setting] of Object.entries(edit.dispatch)) {
      if (setting === null) delete dispatch[rule];
      else dispatch[rule] = setting;
    }
    next.workOrders = { ...next.workOrders, dispatch };
  }
  const rules: Record<string, Record<string, unknown>> = { ...next.rules };
  if (Object.keys(edit.site).length > 0) rules[detectorId] = edit.site;
  else delete rules[detectorId];
  next.rules = rules;
  const byType: Partial<Record<UnitType, Record<string, Record<string, unknown>>>> = { ...next.rulesByUnitType };
  for (const type of Object.keys({ ...byType, ...edit.byUnitType }) as UnitType[]) {
    const typeRules: Record<string, Record<string, unknown>> = { ...byType[type] };
    const values = edit.byUnitType[type];
    if (values !== undefined && Object.keys(values).length > 0) typeRules[detectorId] = values;
    else delete typeRules[detectorId];
    if (Object.keys(typeRules).length > 0) byType[type] = typeRules;
    else delete byType[type];
  }
  next.rulesByUnitType = byType;
  return next;
}

export function putPerson(site: SiteFile, personId: string, edit: Pick<PersonEdit, 'person'>): SiteFile {
  const next = clone(site);
  const person = { id: personId, ...edit.person };
  const at = next.people.findIndex((p) => p.id === personId);
  if (at >= 0) next.people[at] = person;
  else next.people.push(person);
  return next;
}

export function removePerson(site: SiteFile, personId: string): SiteFile {
  if (!site.people.some((p) => p.id === personId)) throw new SiteEditNotFound(`no person "${personId}"`);
  const next = clone(site);
  next.people = next.people.filter((p) => p.id !== personId);
  return next;
}

/**
 * One detector's thresholds checked by the detector's own configSchema, the site part and each unit
 * type over it, so every issue names the field as the console's form does (`site.thresholdLitres`).
 */
export function checkRuleEdit(detector: AnyDetector, edit: Pick<RuleEdit, 'site' | 'byUnitType'> & Partial<Pick<RuleEdit, 'dispatch'>>): SiteIssue[] {
  const issues: SiteIssue[] = [];
  for (const rule of Object.keys(edit.dispatch ?? {}))
    if (!detector.rules.includes(rule))
      issues.push({ path: `dispatch.${rule}`, message: `not a rule of ${detector.id} (its rules: ${detector.rules.join(', ')})` });
  const check = (value: Record<string, unknown>, where: string) => {
    const parsed = detector.configSchema.safeParse(value);
    if (!parsed.success) for (const i of parsed.error.issues) issues.push({ path: [where, ...i.path.map(String)].join('.'), message: i.message });
  };
  check(edit.site, 'site');
  for (const [type, values] of Object.entries(edit.byUnitType)) if (values !== undefined) check({ ...edit.site, ...values }, `byUnitType.${type}`);
  return issues;
}

/**
 * The whole document checked as a site file is (schema and cross references), plus every rule by
 * its detector: the document a revision stores is one the ingest can start with.
 */
export function validateSiteDocument(document: unknown, detectors: readonly AnyDetector[]): { ok: true; site: SiteFile } | { ok: false; issues: SiteIssue[] } {
  const parsed = siteFileSchema.safeParse(document);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })) };
  const problems = checkSiteRules(detectors, parsed.data.rules, parsed.data.rulesByUnitType);
  if (problems.length > 0) return { ok: false, issues: problems.map((p) => ({ path: 'rules', message: p })) };
  return { ok: true, site: parsed.data };
}
