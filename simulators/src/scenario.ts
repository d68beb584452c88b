import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { localTime } from './encoders/frames.ts';
import type { Simulation } from './engine.ts';
import { type Scenario, type ScenarioStep, type StepTime, scenarioSchema } from './scenario-schema.ts';
import type { SimDevice } from './sim-devices.ts';

/** The scenarios that ship with the project. */
export const SCENARIO_DIR = fileURLToPath(new URL('../scenarios', import.meta.url));

export class ScenarioError extends Error {}

export function parseScenario(text: string, file: string): Scenario {
  let json: unknown;
  try {
    json = parse(text);
  } catch (error) {
    throw new ScenarioError(`${file}: not YAML: ${(error as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success)
    throw new ScenarioError(`${file}: ${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Every scenario of a folder, by name. */
export function loadScenarios(dir = SCENARIO_DIR): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parseScenario(readFileSync(join(dir, f), 'utf8'), basename(f)));
}

export function findScenario(name: string, dir = SCENARIO_DIR): Scenario {
  const found = loadScenarios(dir).find((s) => s.name === name);
  if (found === undefined)
    throw new ScenarioError(
      `no scenario "${name}"; shipped: ${loadScenarios(dir)
        .map((s) => s.name)
        .join(', ')}`,
    );
  return found;
}

/** What a scheduled step resolved to on this site. */
export interface ResolvedStep {
  readonly index: number;
  readonly do: ScenarioStep['do'];
  readonly at: number;
  readonly unitId: string | undefined;
  readonly deviceIds: readonly string[];
}

/** The simulated instant of a step: an offset from the start, or the next local time of day. */
export function stepInstant(at: StepTime, startTs: number, timeZone: string): number {
  if ('offsetMs' in at) return startTs + at.offsetMs;
  const t = localTime(startTs, timeZone);
  const minutesNow = t.hour * 60 + t.minute + t.second / 60;
  let minutesAhead = at.hour * 60 + at.minute - minutesNow;
  if (minutesAhead <= 0) minutesAhead += 24 * 60;
  return startTs + Math.round(minutesAhead * 60_000);
}

/** The most recent instant at or before `ts` whose local time of day is `hh:mm`. */
export function previousTimeOfDay(ts: number, hhmm: string, timeZone: string): number {
  const t = localTime(ts, timeZone);
  let minutesSince = t.hour * 60 + t.minute + t.second / 60 - (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)));
  if (minutesSince < 0) minutesSince += 24 * 60;
  return ts - Math.round(minutesSince * 60_000) - (ts % 1000);
}

type DeviceQuery = Exclude<Extract<ScenarioStep, { do: 'door-forced' }>['device'], string>;
type UnitQuery = Exclude<Extract<ScenarioStep, { do: 'leak' }>['unit'], string>;

function pickUnit(sim: Simulation, target: string | UnitQuery): string {
  if (typeof target === 'string') {
    if (!sim.site.units.some((u) => u.id === target)) throw new ScenarioError(`no unit "${target}" in the site`);
    return target;
  }
  const found = sim.site.units.find(
    (u) =>
      (target.occupancy === undefined || target.occupancy.includes(u.occupancy.status)) &&
      (target.building === undefined || u.building === target.building) &&
      (target.meter === undefined || u.devices.some((d) => d.kind === 'water-meter' && (d.source?.ecosystem ?? 'native') === target.meter)) &&
      (target.has === undefined || u.devices.some((d) => d.kind === target.has)),
  );
  if (found === undefined) throw new ScenarioError(`no unit matches ${JSON.stringify(target)}`);
  return found.id;
}

function pickDevice(sim: Simulation, target: string | DeviceQuery): SimDevice {
  if (typeof target === 'string') {
    const device = sim.device(target);
    if (device === undefined) throw new ScenarioError(`no device "${target}" in the site`);
    return device;
  }
  const areaKind = new Map(sim.site.areas.map((a) => [a.id, a.kind]));
  const found = sim.devices.find(
    (d) =>
      (target.kind === undefined || d.kind === target.kind) &&
      (target.ecosystem === undefined || d.encodable.ecosystem === target.ecosystem) &&
      (target.fireDoor === undefined || d.fireDoor === target.fireDoor) &&
      (target.area === undefined || areaKind.get(d.areaId ?? '') === target.area) &&
      (target.serves === undefined || sim.devices.some((child) => child.gatewayId === d.id && child.encodable.ecosystem === target.serves)),
  );
  if (found === undefined) throw new ScenarioError(`no device matches ${JSON.stringify(target)}`);
  return found;
}

const unitDevice = (sim: Simulation, unitId: string, kind: string) => {
  const device = sim.devices.find((d) => d.unitId === unitId && d.kind === kind);
  if (device === undefined) throw new ScenarioError(`unit "${unitId}" has no ${kind}`);
  return device;
};

/** Detectors of a fire zone; "any" is the first zone with at least `count` of them. */
function zoneDetectors(sim: Simulation, zone: string, count: number): SimDevice[] {
  const byZone = new Map<string, SimDevice[]>();
  for (const d of sim.devices) if (d.kind === 'smoke-detector' && d.zone !== undefined) byZone.set(d.zone, [...(byZone.get(d.zone) ?? []), d]);
  const detectors = zone === 'any' ? [...byZone.values()].find((list) => list.length >= count) : byZone.get(zone);
  if (detectors === undefined || detectors.length === 0) throw new ScenarioError(`no fire zone ${zone === 'any' ? `with ${count} detectors` : `"${zone}"`}`);
  return detectors.slice(0, count);
}

/**
 * Resolves every step's target on this site and schedules it on the simulation. Resolution is
 * deterministic (file order), so a test knows which unit leaks before the run starts.
 */
export function scheduleScenario(sim: Simulation, scenario: Scenario, startTs: number): ResolvedStep[] {
  const tz = sim.site.site.timezone;
  return scenario.steps.map((step, index) => {
    const at = stepInstant(step.at, startTs, tz);
    const label = `${scenario.name}#${index} ${step.do}`;
    const resolved = (unitId: string | undefined, devices: readonly SimDevice[]): ResolvedStep => ({
      index,
      do: step.do,
      at,
      unitId,
      deviceIds: devices.map((d) => d.id),
    });
    switch (step.do) {
      case 'leak':
      case 'burst': {
        const unitId = step.unit === undefined ? undefined : pickUnit(sim, step.unit);
        const meter =
          unitId !== undefined
            ? unitDevice(sim, unitId, 'water-meter')
            : pickDevice(sim, step.do === 'burst' ? (step.device ?? { kind: 'water-meter', area: 'plant-room' }) : { kind: 'water-meter' });
        const until = step.for === undefined ? Number.POSITIVE_INFINITY : at + step.for;
        sim.schedule(at, label, (ts) => {
          sim.advanceMeter(meter, ts);
          meter.extraFlowLitresPerMinute = step.litresPerMinute;
          meter.extraFlowUntil = until;
        });
        return resolved(unitId ?? meter.unitId, [meter]);
      }
      case 'fire-alarm': {
        const detectors = zoneDetectors(sim, step.zone, step.detectors);
        detectors.forEach((detector, i) => {
          sim.schedule(at + i * step.every, `${label} detector ${i + 1}`, (ts) => {
            detector.alarm = true;
            sim.observe(detector, { type: 'fire', event: 'alarm', zone: detector.zone, point: detector.firePoint }, ts);
          });
        });
        return resolved(undefined, detectors);
      }
      case 'fire-door-open': {
        const door = pickDevice(sim, step.device);
        sim.schedule(at, label, (ts) => {
          door.doorOpen = true;
          sim.observe(door, { type: 'contact', open: true }, ts);
        });
        if (step.for !== undefined)
          sim.schedule(at + step.for, `${label} closed`, (ts) => {
            door.doorOpen = false;
            sim.observe(door, { type: 'contact', open: false }, ts);
          });
        return resolved(undefined, [door]);
      }
      case 'door-forced': {
        const reader = pickDevice(sim, step.device);
        const contact = sim.devices.find((d) => d.kind === 'door-contact' && d.areaId !== undefined && d.areaId === reader.areaId);
        sim.schedule(at, label, (ts) => {
          // The door opens with no card granted first: the controller reports it forced.
          if (contact !== undefined) {
            contact.doorOpen = true;
            sim.observe(contact, { type: 'contact', open: true }, ts);
          }
          sim.observe(reader, { type: 'access', event: 'forced', card: undefined, reason: undefined }, ts);
        });
        if (contact !== undefined)
          sim.schedule(at + 40_000, `${label} closed`, (ts) => {
            contact.doorOpen = false;
            sim.observe(contact, { type: 'contact', open: false }, ts);
          });
        return resolved(undefined, contact === undefined ? [reader] : [reader, contact]);
      }
      case 'gateway-offline':
      case 'device-offline': {
        const device = pickDevice(sim, step.device);
        const gateway = step.do === 'gateway-offline';
        sim.schedule(at, label, (ts) => (gateway ? sim.setGatewayOnline(device, false, ts) : sim.setDeviceOnline(device, false, ts)));
        if (step.for !== undefined)
          sim.schedule(at + step.for, `${label} back`, (ts) => (gateway ? sim.setGatewayOnline(device, true, ts) : sim.setDeviceOnline(device, true, ts)));
        return resolved(undefined, [device]);
      }
      case 'meter-swap': {
        const unitId = step.unit === undefined ? undefined : pickUnit(sim, step.unit);
        const meter = unitId !== undefined ? unitDevice(sim, unitId, 'water-meter') : pickDevice(sim, step.device ?? { kind: 'water-meter' });
        sim.schedule(at, label, (ts) => {
          // A new meter starts from zero: the register the ingest sees goes backwards.
          sim.advanceMeter(meter, ts);
          meter.totalLitres = 0;
          meter.totalKwh = 0;
        });
        return resolved(unitId ?? meter.unitId, [meter]);
      }
      case 'gas-alarm':
      case 'leak-sensor-wet': {
        const unitId = pickUnit(sim, step.unit);
        const gas = step.do === 'gas-alarm';
        const sensor = unitDevice(sim, unitId, gas ? 'gas-detector' : 'leak-sensor');
        const set = (on: boolean) => (ts: number) => {
          if (gas) {
            sensor.alarm = on;
            sim.observe(sensor, { type: 'gas', alarm: on }, ts);
          } else {
            sensor.wet = on;
            sim.observe(sensor, { type: 'leak', wet: on }, ts);
          }
        };
        sim.schedule(at, label, set(true));
        if (step.for !== undefined) sim.schedule(at + step.for, `${label} cleared`, set(false));
        return resolved(unitId, [sensor]);
      }
      default:
        throw new ScenarioError(`step ${index}: unknown action "${(step as { do: string }).do}"`);
    }
  });
}
