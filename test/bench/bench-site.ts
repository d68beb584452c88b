import { type SiteFile, siteFileSchema } from '@dutyroom/domain';

/**
 * A generated community of `meters` meters (a water and an electricity meter per unit, 20 % of
 * units vacant, a 15-minute heartbeat each so every meter also holds a liveness timer), built
 * through the site-file schema like a real one.
 */
export function benchSite(siteId: string, meters: number): SiteFile {
  const unitsPerBuilding = 400;
  const units = Math.ceil(meters / 2);
  const buildings = Math.ceil(units / unitsPerBuilding);
  return siteFileSchema.parse({
    site: { id: siteId, name: '压测小区' },
    people: [{ id: 'wang', name: '王管家', role: 'steward' }],
    grids: [{ id: 'g1', name: '一网格', steward: 'wang' }],
    buildings: Array.from({ length: buildings }, (_, b) => ({ id: `b${b}`, name: `${b}栋`, kind: 'high-rise', floors: 40, grid: 'g1' })),
    units: Array.from({ length: units }, (_, u) => ({
      id: `u${u}`,
      building: `b${Math.floor(u / unitsPerBuilding)}`,
      floor: 1 + (u % 40),
      occupancy: u % 5 === 0 ? 'vacant' : 'occupied',
      devices: [
        { id: `wm${u}`, kind: 'water-meter', heartbeatSeconds: 900 },
        { id: `em${u}`, kind: 'electricity-meter', heartbeatSeconds: 900 },
      ],
    })),
  });
}

/** Meter ids of occupied units (background traffic that raises nothing) and of vacant ones (probes). */
export function benchMeters(meters: number): { background: string[]; probes: string[] } {
  const units = Math.ceil(meters / 2);
  const background: string[] = [];
  const probes: string[] = [];
  for (let u = 0; u < units; u++) {
    if (u % 5 === 0) probes.push(`wm${u}`);
    else background.push(`wm${u}`, `em${u}`);
  }
  return { background, probes };
}
