import type { DeviceKind, FirePoint, SiteDevice, SiteFile } from '@dutyroom/domain';
import { encoders } from './encoders/index.ts';
import type { EncodableDevice, Encoder } from './observation.ts';
import { type UsageProfile, usageProfile } from './profiles.ts';
import type { DeviceState } from './sim-state.ts';

/** One simulated device: what it is, where it reports, and its mutable physical state. */
export interface SimDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly encodable: EncodableDevice;
  readonly encoder: Encoder;
  readonly unitId: string | undefined;
  readonly occupancy: string;
  readonly buildingId: string | undefined;
  readonly areaId: string | undefined;
  readonly zone: string | undefined;
  readonly firePoint: FirePoint | undefined;
  readonly fireDoor: boolean;
  readonly gatewayId: string | undefined;
  readonly profile: UsageProfile;
  /** Simulated ms between two reports (meters) or heartbeats (everything else). */
  readonly reportEveryMs: number;
  /** Battery-powered devices report their battery and run it down. */
  readonly batteryPowered: boolean;
  seq: number;
  /** False while the device itself is off the network (its gateway's state is separate). */
  online: boolean;
  lastAdvanceAt: number;
  totalLitres: number;
  totalKwh: number;
  powerKw: number;
  flowLitresPerMinute: number;
  /** A leak or burst: litres per minute on top of normal use, until `extraFlowUntil`. */
  extraFlowLitresPerMinute: number;
  extraFlowUntil: number;
  valveClosed: boolean;
  battery: number;
  /** Percent per simulated day. */
  batteryDrainPerDay: number;
  wet: boolean;
  doorOpen: boolean;
  alarm: boolean;
}

/** Meter reporting intervals as real installations use them (seconds). */
export const METER_INTERVAL_SECONDS: Readonly<Record<string, number>> = {
  native: 300,
  cjt188: 900,
  dlt645: 900,
  neuron: 60,
  tasmota: 300,
  zigbee2mqtt: 60,
  chirpstack: 900,
  tts: 900,
};

/** Heartbeat intervals when the site file gives none (seconds). */
function defaultHeartbeatSeconds(device: SiteDevice): number {
  const ecosystem = device.source?.ecosystem ?? 'native';
  if (ecosystem === 'zigbee2mqtt' || ecosystem === 'chirpstack' || ecosystem === 'tts') return 3600;
  if (device.kind === 'access-reader') return 180;
  if (device.kind === 'gateway' || device.kind === 'fire-panel') return 60;
  return 300;
}

const isMeter = (kind: DeviceKind) => kind === 'water-meter' || kind === 'electricity-meter';

export interface BuildOptions {
  readonly startTs: number;
  readonly random: () => number;
  /** Overrides every meter's reporting interval (the demo's 30 s). */
  readonly meterIntervalSeconds?: number | undefined;
  /** A lived-in community has a few batteries near empty; a quiet one (scenarios) has none. */
  readonly wornBatteries?: boolean | undefined;
}

/** Every device of the site file, with a believable starting register and battery, first reports spread over one interval. */
export function buildSimDevices(site: SiteFile, options: BuildOptions): SimDevice[] {
  const { random, startTs } = options;
  const gatewayAddress = new Map<string, string>();
  const holders = [
    ...site.buildings.map((b) => ({ devices: b.devices, unit: undefined, buildingId: b.id, areaId: undefined, unitType: b.kind })),
    ...site.areas.map((a) => ({ devices: a.devices, unit: undefined, buildingId: a.building, areaId: a.id, unitType: 'public' })),
    ...site.units.map((u) => ({
      devices: u.devices,
      unit: u,
      buildingId: u.building,
      areaId: undefined,
      unitType: site.buildings.find((b) => b.id === u.building)?.kind ?? 'high-rise',
    })),
  ];
  for (const holder of holders) for (const d of holder.devices) if (d.kind === 'gateway') gatewayAddress.set(d.id, d.source?.address ?? d.id);

  return holders.flatMap((holder) =>
    holder.devices.map((d): SimDevice => {
      const ecosystem = d.source?.ecosystem ?? 'native';
      const everySeconds = isMeter(d.kind)
        ? (options.meterIntervalSeconds ?? (holder.areaId !== undefined ? 60 : (METER_INTERVAL_SECONDS[ecosystem] ?? 300)))
        : (d.heartbeatSeconds ?? defaultHeartbeatSeconds(d));
      const occupancy = holder.unit?.occupancy.status ?? 'public';
      const zoneNumber = Number(/Z(\d+)$/.exec(d.zone ?? '')?.[1] ?? '1');
      const floor = Number(/-(\d+)$/.exec(d.id)?.[1] ?? '1');
      const batteryPowered =
        ecosystem === 'zigbee2mqtt' || ecosystem === 'chirpstack' || ecosystem === 'tts'
          ? d.kind !== 'gateway' && d.kind !== 'electricity-meter' && d.kind !== 'gas-detector'
          : false;
      const occupancyFacts = holder.unit?.occupancy;
      const startReadings =
        occupancyFacts?.status === 'custody' && 'startReadings' in occupancyFacts
          ? (occupancyFacts.startReadings as { waterM3?: number; electricityKwh?: number } | undefined)
          : undefined;
      return {
        id: d.id,
        kind: d.kind,
        encodable: {
          id: d.id,
          kind: d.kind,
          ecosystem,
          address: d.source?.address ?? d.id,
          pulseFactor: d.pulseFactor,
          invert: d.invert ?? false,
          scale: d.scale,
          gatewayAddress: d.gateway === undefined ? undefined : gatewayAddress.get(d.gateway),
          gatewayId: d.gateway,
          fields: d.source?.fields,
        },
        encoder: encoders[ecosystem],
        unitId: holder.unit?.id,
        occupancy,
        buildingId: holder.buildingId,
        areaId: holder.areaId,
        zone: d.zone,
        firePoint: d.kind === 'smoke-detector' ? { controller: 1, loop: zoneNumber, point: floor, deviceType: 'smoke' } : undefined,
        fireDoor: d.fireDoor ?? false,
        gatewayId: d.gateway,
        profile: usageProfile(occupancy === 'public' && d.kind === 'water-meter' ? 'public' : occupancy === 'public' ? 'vacant' : occupancy, holder.unitType),
        reportEveryMs: everySeconds * 1000,
        batteryPowered,
        seq: 0,
        online: true,
        lastAdvanceAt: startTs,
        // Registers of meters in service for years; custody units start from the readings taken at custody start.
        totalLitres: startReadings?.waterM3 !== undefined ? startReadings.waterM3 * 1000 : Math.round(random() * 400_000),
        totalKwh: startReadings?.electricityKwh ?? Math.round(random() * 6000 * 100) / 100,
        powerKw: 0,
        flowLitresPerMinute: 0,
        extraFlowLitresPerMinute: 0,
        extraFlowUntil: 0,
        valveClosed: false,
        battery: batteryPowered ? (random() < 0.05 && options.wornBatteries !== false ? 12 + random() * 4 : 40 + random() * 60) : 100,
        batteryDrainPerDay: batteryPowered ? 0.05 + random() * 0.6 : 0,
        wet: false,
        doorOpen: false,
        alarm: false,
      };
    }),
  );
}

/** The mutable part of a device, as the state file keeps it (src/sim-state.ts). */
export function deviceState(d: SimDevice, nextReportAt: number): DeviceState {
  return {
    seq: d.seq,
    online: d.online,
    lastAdvanceAt: d.lastAdvanceAt,
    nextReportAt,
    totalLitres: d.totalLitres,
    totalKwh: d.totalKwh,
    powerKw: d.powerKw,
    flowLitresPerMinute: d.flowLitresPerMinute,
    extraFlowLitresPerMinute: d.extraFlowLitresPerMinute,
    extraFlowUntil: d.extraFlowUntil,
    valveClosed: d.valveClosed,
    battery: d.battery,
    wet: d.wet,
    doorOpen: d.doorOpen,
    alarm: d.alarm,
  };
}

/** Puts a saved device state back (the next report time is the engine's business). */
export function applyDeviceState(d: SimDevice, saved: DeviceState): void {
  const { nextReportAt: _next, ...state } = saved;
  Object.assign(d, state);
}
