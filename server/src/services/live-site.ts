import { indexSite, type SiteFile, type SiteIndex } from '@dutyroom/domain';

/**
 * The server's site, replaced when a new revision is saved (console edit or import) without a
 * restart. `file` and `index` are views that always read the current revision, so a service that
 * looks the site up at call time (routing by grid, stewards, people, owners) follows at once;
 * services that derive tables from the site at construction are rebuilt by the caller of `replace`.
 */
export interface LiveSite {
  readonly file: SiteFile;
  readonly index: SiteIndex;
  readonly revision: number;
  replace(site: SiteFile, revision: number): void;
}

export function createLiveSite(initial: SiteFile, revision: number): LiveSite {
  let current = initial;
  let currentIndex = indexSite(initial);
  let currentRevision = revision;
  const file: SiteFile = {
    get site() {
      return current.site;
    },
    get people() {
      return current.people;
    },
    get grids() {
      return current.grids;
    },
    get onDuty() {
      return current.onDuty;
    },
    get buildings() {
      return current.buildings;
    },
    get units() {
      return current.units;
    },
    get areas() {
      return current.areas;
    },
    get rules() {
      return current.rules;
    },
    get rulesByUnitType() {
      return current.rulesByUnitType;
    },
    get sources() {
      return current.sources;
    },
    get workOrders() {
      return current.workOrders;
    },
    get notify() {
      return current.notify;
    },
  };
  const index: SiteIndex = {
    siteId: initial.site.id,
    get timezone() {
      return currentIndex.timezone;
    },
    device: (deviceId) => currentIndex.device(deviceId),
    unit: (unitId) => currentIndex.unit(unitId),
    stewardOf: (gridId) => currentIndex.stewardOf(gridId),
    get units() {
      return currentIndex.units;
    },
    get areas() {
      return currentIndex.areas;
    },
    get devices() {
      return currentIndex.devices;
    },
    applyOccupancy: (unitId, change) => currentIndex.applyOccupancy(unitId, change),
  };
  return {
    file,
    index,
    get revision() {
      return currentRevision;
    },
    replace(site, next) {
      if (site.site.id !== initial.site.id) throw new Error(`a revision of site ${site.site.id} cannot replace site ${initial.site.id}`);
      current = site;
      currentIndex = indexSite(site);
      currentRevision = next;
    },
  };
}
