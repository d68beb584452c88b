import type { DeviceKind, OccupancyStatus, SiteArea, SiteDevice, SiteFile, SiteUnit, UnitType } from './site-schema.ts';

/** What the ingest and the server need to know about a device, resolved once from the site file. */
export interface DeviceContext {
  readonly siteId: string;
  readonly device: SiteDevice;
  readonly kind: DeviceKind;
  /** Set for a device inside a unit; public-area and building devices have none. */
  readonly unit: UnitContext | undefined;
  /** Set for a device in a public area (公共区域). */
  readonly areaId: string | undefined;
  readonly buildingId: string | undefined;
  readonly gridId: string;
  /** The site's IANA time zone (SPEC §1, default Asia/Shanghai), for rules in local hours (night flow). */
  readonly timezone?: string | undefined;
}

export interface UnitContext {
  readonly id: string;
  readonly buildingId: string;
  /** The kind of building the unit is in: rule thresholds may differ per type. */
  readonly unitType: UnitType;
  readonly floor: number;
  readonly occupancy: OccupancyStatus;
  readonly keyHeld: boolean;
  readonly gridId: string;
  /** ISO date the current occupancy status took effect (托管: the custody start date). */
  readonly occupancySince?: string | undefined;
  /** 托管: meter readings taken when custody started; the allowance (水 5 m³, 电 20 kWh) counts from them. */
  readonly startReadings?: { readonly waterM3?: number | undefined; readonly electricityKwh?: number | undefined } | undefined;
}

export interface SiteIndex {
  readonly siteId: string;
  readonly timezone: string;
  device(deviceId: string): DeviceContext | undefined;
  unit(unitId: string): UnitContext | undefined;
  /** The steward who owns a grid (网格管家). */
  stewardOf(gridId: string): string | undefined;
  readonly units: readonly SiteUnit[];
  readonly areas: readonly SiteArea[];
  /** Every device of the site, in file order. */
  readonly devices: readonly DeviceContext[];
  /**
   * An occupancy edit made after the site file was loaded (console → server → MQTT → ingest):
   * the unit and its devices are resolved anew, so the next reading is judged by it. Returns the
   * new unit context, or undefined for a unit the site does not have.
   */
  applyOccupancy(unitId: string, change: OccupancyChange): UnitContext | undefined;
}

export interface OccupancyChange {
  readonly status: OccupancyStatus;
  readonly since: string | undefined;
  readonly startReadings: UnitContext['startReadings'];
}

export function indexSite(file: SiteFile): SiteIndex {
  const devices = new Map<string, DeviceContext>();
  const units = new Map<string, UnitContext>();
  const stewards = new Map(file.grids.map((g) => [g.id, g.steward]));
  const buildings = new Map(file.buildings.map((b) => [b.id, b]));
  const siteId = file.site.id;
  const timezone = file.site.timezone;

  for (const b of file.buildings) {
    for (const device of b.devices) {
      devices.set(device.id, { siteId, device, kind: device.kind, unit: undefined, areaId: undefined, buildingId: b.id, gridId: b.grid, timezone });
    }
  }
  for (const a of file.areas) {
    for (const device of a.devices) {
      devices.set(device.id, { siteId, device, kind: device.kind, unit: undefined, areaId: a.id, buildingId: a.building, gridId: a.grid, timezone });
    }
  }
  for (const u of file.units) {
    const building = buildings.get(u.building);
    const gridId = u.grid ?? building?.grid ?? '';
    const unit: UnitContext = {
      id: u.id,
      buildingId: u.building,
      unitType: building?.kind ?? 'high-rise',
      floor: u.floor,
      occupancy: u.occupancy.status,
      keyHeld: u.keyHeld,
      gridId,
      occupancySince: 'since' in u.occupancy ? u.occupancy.since : undefined,
      startReadings: 'startReadings' in u.occupancy ? u.occupancy.startReadings : undefined,
    };
    units.set(u.id, unit);
    for (const device of u.devices) {
      devices.set(device.id, { siteId, device, kind: device.kind, unit, areaId: undefined, buildingId: u.building, gridId, timezone });
    }
  }

  const unitDevices = new Map(file.units.map((u) => [u.id, u.devices.map((d) => d.id)]));

  return {
    siteId,
    timezone: file.site.timezone,
    device: (deviceId) => devices.get(deviceId),
    unit: (unitId) => units.get(unitId),
    stewardOf: (gridId) => stewards.get(gridId),
    units: file.units,
    areas: file.areas,
    get devices() {
      return [...devices.values()];
    },
    applyOccupancy(unitId, change) {
      const before = units.get(unitId);
      if (before === undefined) return undefined;
      const unit: UnitContext = { ...before, occupancy: change.status, occupancySince: change.since, startReadings: change.startReadings };
      units.set(unitId, unit);
      for (const deviceId of unitDevices.get(unitId) ?? []) {
        const device = devices.get(deviceId);
        if (device !== undefined) devices.set(deviceId, { ...device, unit });
      }
      return unit;
    },
  };
}
