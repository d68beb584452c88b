import type { OccupancyStatus, Severity, SiteMapBuilding } from '@dutyroom/domain';

export interface MapCell {
  readonly id: string;
  /** 3-1-1202 → 1-1202: the building is the section's heading. */
  readonly short: string;
  readonly occupancy: OccupancyStatus;
  readonly worst: Severity | 'none';
  readonly className: string;
  readonly label: string;
}

export interface MapBuildingLayout {
  readonly id: string;
  readonly name: string;
  readonly total: number;
  readonly floors: readonly { readonly floor: number; readonly cells: readonly MapCell[] }[];
  /** Size estimate (rem) while the building is off screen and not rendered (content-visibility). */
  readonly widthRem: number;
  readonly heightRem: number;
}

// Matches SiteGrid.svelte's CSS: floor label 2.9rem, cell 2.6rem + 2px gap, row 1.5rem + 2px, padding and heading.
const CELL_REM = 2.75;
const LABEL_REM = 2.9;
const ROW_REM = 1.625;
const CHROME_REM = 2.6;

const shortId = (id: string) => id.split('-').slice(1).join('-') || id;

/**
 * The site map as the grid draws it, computed once per change of the map, the filter or the open
 * anomalies (not once per cell): floors top first, each cell's class and accessible label.
 * Buildings with no unit matching the filter are left out.
 */
export function mapLayout(
  buildings: readonly SiteMapBuilding[],
  filter: string,
  openByUnit: ReadonlyMap<string, { n: number; worst: Severity }>,
  occupancyLabel: (status: OccupancyStatus) => string,
): MapBuildingLayout[] {
  const result: MapBuildingLayout[] = [];
  for (const b of buildings) {
    const byFloor = new Map<number, MapCell[]>();
    for (const u of b.units) {
      if (filter !== '' && !u.id.includes(filter)) continue;
      const open = openByUnit.get(u.id);
      const cell: MapCell = {
        id: u.id,
        short: shortId(u.id),
        occupancy: u.occupancy,
        worst: open?.worst ?? 'none',
        className: open === undefined ? `occ-${u.occupancy}` : `occ-${u.occupancy} sev-${open.worst}`,
        label: `${u.id} ${occupancyLabel(u.occupancy)}${open === undefined ? '' : ` ${open.worst} ×${open.n}`}`,
      };
      const row = byFloor.get(u.floor);
      if (row === undefined) byFloor.set(u.floor, [cell]);
      else row.push(cell);
    }
    if (byFloor.size === 0) continue;
    const floors = [...byFloor.entries()].sort((a, c) => c[0] - a[0]).map(([floor, cells]) => ({ floor, cells }));
    const widest = Math.max(...floors.map((f) => f.cells.length));
    result.push({
      id: b.id,
      name: b.name,
      total: b.units.length,
      floors,
      widthRem: Math.round((LABEL_REM + widest * CELL_REM + 1.2) * 10) / 10,
      heightRem: Math.round((CHROME_REM + floors.length * ROW_REM) * 10) / 10,
    });
  }
  return result;
}
