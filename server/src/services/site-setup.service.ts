import type { AnyDetector, SiteFile, SiteSetupDto, UserDto } from '@dutyroom/domain';
import { requirePermission } from './access.ts';

/**
 * The site's setup for the admin screen, read-only, from the current revision of the site
 * document (rebuilt by server.ts when a new revision is saved; edits go through
 * site-config.service.ts). Occupancy is edited on the map.
 */
export function createSiteSetupService(site: SiteFile, detectors: readonly AnyDetector[]) {
  const peopleById = new Map(site.people.map((p) => [p.id, p.name]));
  const unitsByGrid = new Map<string, number>();
  const gridOfBuilding = new Map(site.buildings.map((b) => [b.id, b.grid]));
  for (const u of site.units) {
    const grid = u.grid ?? gridOfBuilding.get(u.building) ?? '';
    unitsByGrid.set(grid, (unitsByGrid.get(grid) ?? 0) + 1);
  }
  const asRecord = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
  const setup: SiteSetupDto = {
    devices: [
      ...site.buildings.flatMap((b) => b.devices.map((d) => ({ d, place: b.name }))),
      ...site.areas.flatMap((a) => a.devices.map((d) => ({ d, place: a.name }))),
      ...site.units.flatMap((u) => u.devices.map((d) => ({ d, place: u.id }))),
    ].map(({ d, place }) => ({
      id: d.id,
      kind: d.kind,
      place,
      ecosystem: d.source?.ecosystem ?? 'native',
      gateway: d.gateway ?? null,
      hasValve: d.hasValve ?? false,
    })),
    grids: site.grids.map((g) => ({ id: g.id, name: g.name, steward: peopleById.get(g.steward) ?? g.steward, units: unitsByGrid.get(g.id) ?? 0 })),
    people: site.people.map((p) => ({ id: p.id, name: p.name, role: p.role })),
    onDuty: site.onDuty === undefined ? null : (peopleById.get(site.onDuty) ?? site.onDuty),
    rules: detectors.map((d) => ({
      detector: d.id,
      rules: [...d.rules],
      defaults: asRecord(d.configSchema.parse({})),
      site: asRecord(site.rules[d.id]),
      byUnitType: Object.fromEntries(
        Object.entries(site.rulesByUnitType).flatMap(([type, rules]) => (rules?.[d.id] === undefined ? [] : [[type, asRecord(rules[d.id])]])),
      ),
    })),
  };
  return {
    setup(user: UserDto | undefined): SiteSetupDto {
      requirePermission(user, 'site:setup', site.site.id);
      return setup;
    },
  };
}

export type SiteSetupService = ReturnType<typeof createSiteSetupService>;
