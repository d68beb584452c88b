import type { DeviceKind, OccupancyStatus, SiteDevice, SiteFile, SiteUnit } from './site-schema.ts';

/** What the ingest and the server need to know about a device, resolved once from the site file. */
export interface DeviceContext {
  readonly siteId: string;
  readonly device: SiteDevice;
  readonly kind: DeviceKind;
  /** Set for a device inside a unit; public-area devices have none. */
  readonly unit: UnitContext | undefined;
  readonly buildingId: string;
  readonly gridId: string;
}

export interface UnitContext {
  readonly id: string;
  readonly buildingId: string;
  readonly floor: number;
  readonly occupancy: OccupancyStatus;
  readonly keyHeld: boolean;
  readonly gridId: string;
}

export interface SiteIndex {
  readonly siteId: string;
  readonly timezone: string;
  device(deviceId: string): DeviceContext | undefined;
  unit(unitId: string): UnitContext | undefined;
  /** The steward who owns a grid (网格管家). */
  stewardOf(gridId: string): string | undefined;
  readonly units: readonly SiteUnit[];
}

export function indexSite(file: SiteFile): SiteIndex {
  const devices = new Map<string, DeviceContext>();
  const units = new Map<string, UnitContext>();
  const stewards = new Map(file.grids.map((g) => [g.id, g.steward]));
  const buildings = new Map(file.buildings.map((b) => [b.id, b]));

  for (const b of file.buildings) {
    for (const device of b.devices) {
      devices.set(device.id, { siteId: file.site.id, device, kind: device.kind, unit: undefined, buildingId: b.id, gridId: b.grid });
    }
  }
  for (const u of file.units) {
    const gridId = u.grid ?? buildings.get(u.building)?.grid ?? '';
    const unit: UnitContext = {
      id: u.id,
      buildingId: u.building,
      floor: u.floor,
      occupancy: u.occupancy.status,
      keyHeld: u.keyHeld,
      gridId,
    };
    units.set(u.id, unit);
    for (const device of u.devices) {
      devices.set(device.id, { siteId: file.site.id, device, kind: device.kind, unit, buildingId: u.building, gridId });
    }
  }

  return {
    siteId: file.site.id,
    timezone: file.site.timezone,
    device: (deviceId) => devices.get(deviceId),
    unit: (unitId) => units.get(unitId),
    stewardOf: (gridId) => stewards.get(gridId),
    units: file.units,
  };
}
