import type { SiteFile } from '@dutyroom/domain';
import { generateCommunitySite } from '@dutyroom/simulators';

/**
 * The community the bench plays: by default exactly the demo site `npm start` loads
 * (sites/demo.yaml is `generateCommunity` with these options), under a site id of its own so
 * runs sharing a broker never see each other's topics. `units` makes a smaller one.
 */
export interface BenchSite {
  readonly site: SiteFile;
  readonly description: string;
}

export const DEMO_COMMUNITY = { seed: 1, highRises: 3, floors: 18, multiStoreys: 1, villas: 8, shops: 10 } as const;

export function benchSite(siteId: string, units?: number): BenchSite {
  if (units === undefined) {
    const site = generateCommunitySite({ ...DEMO_COMMUNITY, siteId });
    return { site, description: `the demo community of sites/demo.yaml (${site.units.length} units), site id ${siteId}` };
  }
  // High-rises of two entrances and two flats a floor, plus a few villas and shops.
  const floors = Math.min(18, Math.max(3, Math.ceil(units / 8)));
  const highRises = Math.max(1, Math.round((units * 0.85) / (4 * floors)));
  const options = {
    seed: 1,
    highRises,
    floors,
    multiStoreys: units >= 150 ? 1 : 0,
    villas: Math.max(1, Math.round(units * 0.03)),
    shops: Math.max(2, Math.round(units * 0.04)),
    siteId,
  };
  const site = generateCommunitySite(options);
  return { site, description: `a generated community of ${site.units.length} units (${highRises} high-rises of ${floors} floors), site id ${siteId}` };
}
