import {
  type AnyDetector,
  type AreaEdit,
  type BuildingEdit,
  canonicalJson,
  checkRuleEdit,
  type DeviceEdit,
  diffSites,
  type GridEdit,
  isEmptyDiff,
  type PersonEdit,
  type PlaceType,
  placeReferences,
  putArea,
  putBuilding,
  putDevice,
  putGrid,
  putPerson,
  putRule,
  putUnit,
  putUnitFacts,
  type RuleEdit,
  removeDevice,
  removeGrid,
  removePerson,
  removePlace,
  restoreSite,
  type SiteConfigDto,
  SiteEditNotFound,
  type SiteFile,
  type SiteImport,
  type SiteImportResult,
  type SiteIssue,
  type SiteRestore,
  type SiteRevisionDiff,
  type SiteRevisionInfo,
  type UnitEdit,
  type UnitFactsEdit,
  type UserDto,
  validateSiteDocument,
} from '@dutyroom/domain';
import {
  type Db,
  listSiteRevisions,
  loadCurrentSite,
  parseSiteText,
  type SiteRevision,
  SiteRevisionConflict,
  saveSiteRevision,
  siteRevisionAt,
  siteToYaml,
} from '@dutyroom/platform';
import { ValidationError } from '../http/errors.ts';
import { audit } from '../repositories/audit.repository.ts';
import { openWorkOrdersOn } from '../repositories/site-places.repository.ts';
import { requirePermission } from './access.ts';
import { ServiceError } from './errors.ts';

export interface SiteConfigDeps {
  readonly db: Db;
  /** The site as the server started with it: seeds revision 1 if the database has none yet. */
  readonly initial: SiteFile;
  readonly detectors: readonly AnyDetector[];
  /** Told after a revision is committed (persist, then apply and announce). */
  readonly onSaved: (site: SiteFile, revision: number) => Promise<void>;
}

/**
 * The site document edited in the console and imported or exported (SPEC §3, §8). Every change is
 * a new revision made on the revision the editor saw (409 otherwise), checked as a whole by the
 * site file's schema and every detector's configSchema, audited in the same transaction.
 * Reading the document needs `site:manage` too: it holds the owners' phone numbers.
 */
export function createSiteConfigService(deps: SiteConfigDeps) {
  const siteId = deps.initial.site.id;
  const { db, detectors } = deps;
  const dto = (r: SiteRevision): SiteConfigDto => ({
    revision: r.revision,
    author: r.author,
    at: r.at,
    comment: r.comment,
    document: r.site as unknown as Record<string, unknown>,
  });
  const current = () => loadCurrentSite(db, deps.initial);

  const invalid = (issues: readonly SiteIssue[], rename?: (path: string) => string) =>
    new ValidationError(issues.map((i) => ({ path: rename ? rename(i.path) : `document.${i.path}`, message: i.message })));

  /** Applies `change` to the latest revision, checks and saves the result (unless it changes nothing). */
  const commit = async (
    user: UserDto | undefined,
    edit: { expectedRevision: number; comment?: string | undefined },
    action: string,
    subject: { type: string; id: string },
    change: (site: SiteFile) => SiteFile,
    rename?: (path: string, next: SiteFile) => string,
  ): Promise<SiteConfigDto> => {
    const u = requirePermission(user, 'site:manage', siteId);
    const latest = await current();
    if (latest.revision !== edit.expectedRevision) throw conflict(new SiteRevisionConflict(edit.expectedRevision, latest.revision));
    let draft: SiteFile;
    try {
      draft = change(latest.site);
    } catch (error) {
      if (error instanceof SiteEditNotFound) throw new ServiceError('NOT_FOUND', error.message);
      throw error;
    }
    const checked = validateSiteDocument(draft, detectors);
    if (!checked.ok) throw invalid(checked.issues, rename && ((path) => rename(path, draft)));
    if (canonicalJson(checked.site) === canonicalJson(latest.site)) return dto(latest);
    const saved = await save(u, checked.site, edit.expectedRevision, edit.comment ?? '', action, subject, latest.site);
    return dto({ ...saved, site: checked.site });
  };

  const save = async (
    u: UserDto,
    site: SiteFile,
    expected: number,
    comment: string,
    action: string,
    subject: { type: string; id: string },
    before: SiteFile,
  ): Promise<SiteRevisionInfo> => {
    const diff = diffSites(before, site);
    let saved: SiteRevisionInfo;
    try {
      saved = await db.transaction(async (tx) => {
        const info = await saveSiteRevision(tx, { site, expected, author: u.username, comment });
        await audit(tx, {
          actor: u.username,
          action,
          subjectType: subject.type,
          subjectId: subject.id,
          detail: { siteId, revision: info.revision, comment, diff },
        });
        return info;
      });
    } catch (error) {
      if (error instanceof SiteRevisionConflict) throw conflict(error);
      throw error;
    }
    await deps.onSaved(site, saved.revision);
    return saved;
  };

  /** Issues about the device being edited name the request's `device` field. */
  const deviceRename = (deviceId: string) => (path: string, next: SiteFile) => {
    for (const collection of ['units', 'buildings', 'areas'] as const) {
      const holders = next[collection];
      for (let i = 0; i < holders.length; i++) {
        const j = (holders[i]?.devices ?? []).findIndex((d) => d.id === deviceId);
        const prefix = `${collection}.${i}.devices.${j}`;
        if (j >= 0 && (path === prefix || path.startsWith(`${prefix}.`))) return `body.device${path.slice(prefix.length)}`;
      }
    }
    return `document.${path}`;
  };

  /** Issues about the place being edited name the request's field (`body.unit.floor`). */
  const placeRename = (collection: 'buildings' | 'units' | 'areas', field: string, placeId: string) => (path: string, next: SiteFile) => {
    const i = (next[collection] as readonly { id: string }[]).findIndex((p) => p.id === placeId);
    const prefix = `${collection}.${i}.`;
    return i >= 0 && path.startsWith(prefix) ? `body.${field}.${path.slice(prefix.length)}` : `document.${path}`;
  };

  /** Removal is refused (400 naming the references) while devices, units, areas or open work orders point at the place. */
  const removePlaceOf = async (user: UserDto | undefined, type: PlaceType, id: string, edit: { expectedRevision: number; comment?: string | undefined }) => {
    requirePermission(user, 'site:manage', siteId);
    const latest = await current();
    let refs: string[];
    try {
      // A building's units block its removal themselves, so only work orders on the place itself are asked for.
      refs = placeReferences(latest.site, type, id, await openWorkOrdersOn(db, siteId, [id]));
    } catch (error) {
      if (error instanceof SiteEditNotFound) throw new ServiceError('NOT_FOUND', error.message);
      throw error;
    }
    if (refs.length > 0)
      throw new ValidationError([
        { path: `params.${type}Id`, message: `${type} "${id}" is still referenced by ${refs.join('; ')}: move or remove those first` },
      ]);
    return commit(user, edit, `site.${type}.remove`, { type, id }, (s) => removePlace(s, type, id));
  };

  const revisionOr404 = async (revision: number): Promise<SiteRevision> => {
    const found = await siteRevisionAt(db, siteId, revision);
    if (found === undefined) throw new ServiceError('NOT_FOUND', `no revision ${revision} of site "${siteId}"`);
    return found;
  };

  return {
    async get(user: UserDto | undefined): Promise<SiteConfigDto> {
      requirePermission(user, 'site:manage', siteId);
      return dto(await current());
    },
    async revisions(user: UserDto | undefined): Promise<{ items: SiteRevisionInfo[] }> {
      requirePermission(user, 'site:setup', siteId);
      await current();
      return { items: await listSiteRevisions(db, siteId) };
    },
    putDevice: (user: UserDto | undefined, deviceId: string, edit: DeviceEdit) => {
      if (edit.device.id !== deviceId) throw new ValidationError([{ path: 'body.device.id', message: `must be "${deviceId}", the device of the address` }]);
      return commit(user, edit, 'site.device.put', { type: 'device', id: deviceId }, (s) => putDevice(s, edit), deviceRename(deviceId));
    },
    removeDevice: (user: UserDto | undefined, deviceId: string, edit: { expectedRevision: number; comment?: string | undefined }) =>
      commit(user, edit, 'site.device.remove', { type: 'device', id: deviceId }, (s) => removeDevice(s, deviceId)),
    putGrid: (user: UserDto | undefined, gridId: string, edit: GridEdit) =>
      commit(
        user,
        edit,
        'site.grid.put',
        { type: 'grid', id: gridId },
        (s) => putGrid(s, gridId, edit),
        (path, next) => {
          const i = next.grids.findIndex((g) => g.id === gridId);
          return path.startsWith(`grids.${i}.`) ? `body.grid.${path.slice(`grids.${i}.`.length)}` : `document.${path}`;
        },
      ),
    removeGrid: (user: UserDto | undefined, gridId: string, edit: { expectedRevision: number; comment?: string | undefined }) =>
      commit(user, edit, 'site.grid.remove', { type: 'grid', id: gridId }, (s) => removeGrid(s, gridId)),
    putUnitFacts: (user: UserDto | undefined, unitId: string, edit: UnitFactsEdit) =>
      commit(
        user,
        edit,
        'site.unit.facts',
        { type: 'unit', id: unitId },
        (s) => putUnitFacts(s, unitId, edit),
        (path, next) => {
          const i = next.units.findIndex((u) => u.id === unitId);
          return path.startsWith(`units.${i}.`) ? `body.${path.slice(`units.${i}.`.length)}` : `document.${path}`;
        },
      ),
    async putRule(user: UserDto | undefined, detectorId: string, edit: RuleEdit): Promise<SiteConfigDto> {
      requirePermission(user, 'site:manage', siteId);
      const detector = detectors.find((d) => d.id === detectorId);
      if (detector === undefined) throw new ServiceError('NOT_FOUND', `no detector "${detectorId}"`);
      const issues = checkRuleEdit(detector, edit);
      if (issues.length > 0) throw invalid(issues, (path) => `body.${path}`);
      return commit(user, edit, 'site.rule.put', { type: 'rule', id: detectorId }, (s) => putRule(s, detectorId, edit));
    },
    putPerson: (user: UserDto | undefined, personId: string, edit: PersonEdit) =>
      commit(
        user,
        edit,
        'site.person.put',
        { type: 'person', id: personId },
        (s) => putPerson(s, personId, edit),
        (path, next) => {
          const i = next.people.findIndex((p) => p.id === personId);
          return path.startsWith(`people.${i}.`) ? `body.person.${path.slice(`people.${i}.`.length)}` : `document.${path}`;
        },
      ),
    removePerson: (user: UserDto | undefined, personId: string, edit: { expectedRevision: number; comment?: string | undefined }) =>
      commit(user, edit, 'site.person.remove', { type: 'person', id: personId }, (s) => removePerson(s, personId)),

    putBuilding: (user: UserDto | undefined, buildingId: string, edit: BuildingEdit) =>
      commit(
        user,
        edit,
        'site.building.put',
        { type: 'building', id: buildingId },
        (s) => putBuilding(s, buildingId, edit),
        placeRename('buildings', 'building', buildingId),
      ),
    removeBuilding: (user: UserDto | undefined, buildingId: string, edit: { expectedRevision: number; comment?: string | undefined }) =>
      removePlaceOf(user, 'building', buildingId, edit),
    putUnit: (user: UserDto | undefined, unitId: string, edit: UnitEdit) =>
      commit(user, edit, 'site.unit.put', { type: 'unit', id: unitId }, (s) => putUnit(s, unitId, edit), placeRename('units', 'unit', unitId)),
    removeUnit: (user: UserDto | undefined, unitId: string, edit: { expectedRevision: number; comment?: string | undefined }) =>
      removePlaceOf(user, 'unit', unitId, edit),
    putArea: (user: UserDto | undefined, areaId: string, edit: AreaEdit) =>
      commit(user, edit, 'site.area.put', { type: 'area', id: areaId }, (s) => putArea(s, areaId, edit), placeRename('areas', 'area', areaId)),
    removeArea: (user: UserDto | undefined, areaId: string, edit: { expectedRevision: number; comment?: string | undefined }) =>
      removePlaceOf(user, 'area', areaId, edit),

    /** What a revision changed against its predecessor, or what restoring it would change (`against: current`). */
    async revisionDiff(user: UserDto | undefined, revision: number, against: 'previous' | 'current'): Promise<SiteRevisionDiff> {
      requirePermission(user, 'site:manage', siteId);
      const latest = await current();
      const target = await revisionOr404(revision);
      const info = { revision: target.revision, author: target.author, at: target.at, comment: target.comment };
      if (against === 'current') return { revision: info, from: latest.revision, to: target.revision, diff: diffSites(latest.site, target.site) };
      const previous = revision > 1 ? await siteRevisionAt(db, siteId, revision - 1) : undefined;
      // Revision 1 is compared with itself: it changed nothing, it seeded the site.
      return { revision: info, from: previous?.revision ?? target.revision, to: target.revision, diff: diffSites(previous?.site ?? target.site, target.site) };
    },

    /** An older revision's document saved as the next revision; the history in between stays. */
    async restore(user: UserDto | undefined, revision: number, edit: SiteRestore): Promise<SiteConfigDto> {
      requirePermission(user, 'site:manage', siteId);
      const older = await revisionOr404(revision);
      return commit(
        user,
        { expectedRevision: edit.expectedRevision, comment: edit.comment || `restored revision ${revision}` },
        'site.restore',
        { type: 'site', id: siteId },
        (s) => restoreSite(s, older.site),
      );
    },

    async export(user: UserDto | undefined, format: 'yaml' | 'json', revision?: number): Promise<{ revision: number; text: string }> {
      requirePermission(user, 'site:manage', siteId);
      const latest = revision === undefined ? await current() : await revisionOr404(revision);
      return { revision: latest.revision, text: format === 'yaml' ? siteToYaml(latest.site) : `${JSON.stringify(latest.site, null, 2)}\n` };
    },

    /** Validates a whole site file and shows what it changes; saves it as the next revision unless `dryRun`. */
    async import(user: UserDto | undefined, body: SiteImport): Promise<SiteImportResult> {
      const u = requirePermission(user, 'site:manage', siteId);
      const text = parseSiteText(body.text, body.format);
      if (!text.ok) throw invalid(text.issues, (path) => `file: ${path}`);
      const checked = validateSiteDocument(text.value, detectors);
      if (!checked.ok) throw invalid(checked.issues, (path) => `file.${path}`);
      if (checked.site.site.id !== siteId)
        throw new ValidationError([{ path: 'file.site.id', message: `the file is for site "${checked.site.site.id}", this server runs "${siteId}"` }]);
      const latest = await current();
      if (latest.revision !== body.expectedRevision) throw conflict(new SiteRevisionConflict(body.expectedRevision, latest.revision));
      const diff = diffSites(latest.site, checked.site);
      if (body.dryRun || isEmptyDiff(diff)) return { diff, applied: false, revision: latest.revision };
      const saved = await save(u, checked.site, latest.revision, body.comment ?? '', 'site.import', { type: 'site', id: siteId }, latest.site);
      return { diff, applied: true, revision: saved.revision };
    },
  };
}

const conflict = (error: SiteRevisionConflict) => new ServiceError('CONFLICT', error.message);

export type SiteConfigService = ReturnType<typeof createSiteConfigService>;
