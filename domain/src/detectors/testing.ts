/**
 * Test support for detectors (imported by *.test.ts only): builds devices and readings and plays a
 * script of `[ts, reading | 'tick']` steps the way the pipeline would — state per stateKey, one
 * meter register per device advanced on each register reading before the detector sees it (as
 * `DetectorContext.meter`), ticks only when `wakeAt` has come — and summarises the events of each step as short strings:
 * `raise <rule> <subject> <severity>` / `clear <rule> <subject> closes|stays`, `-` for none.
 */
import { emptyRegister, isMeterTotal, type RegisterState, stepRegister } from '../meters/register.ts';
import type { DetectorEvent } from '../model/anomaly.ts';
import type { Reading, ReadingBody } from '../model/reading.ts';
import type { DeviceContext, UnitContext } from '../site/site-index.ts';
import type { DeviceKind, OccupancyStatus, SiteDevice, UnitType } from '../site/site-schema.ts';
import type { Detector } from './detector.ts';

export const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);
export const SEC = 1000;
export const MIN = 60_000;
export const HOUR = 3_600_000;

export function unitDevice(
  kind: DeviceKind,
  options: { occupancy?: OccupancyStatus; unitType?: UnitType; deviceId?: string; device?: Partial<SiteDevice>; unit?: Partial<UnitContext> } = {},
): DeviceContext {
  const unit: UnitContext = {
    id: '3-1-1202',
    buildingId: '3',
    unitType: options.unitType ?? 'high-rise',
    floor: 12,
    occupancy: options.occupancy ?? 'vacant',
    keyHeld: false,
    gridId: 'g3',
    ...options.unit,
  };
  const device: SiteDevice = { id: options.deviceId ?? `${kind}-3-1-1202`, kind, ...options.device };
  return { siteId: 'demo', device, kind, unit, areaId: undefined, buildingId: '3', gridId: 'g3', timezone: 'Asia/Shanghai' };
}

export function areaDevice(kind: DeviceKind, deviceId: string, device: Partial<SiteDevice> = {}): DeviceContext {
  return {
    siteId: 'demo',
    device: { id: deviceId, kind, ...device },
    kind,
    unit: undefined,
    areaId: 'stair-3a',
    buildingId: '3',
    gridId: 'g3',
    timezone: 'Asia/Shanghai',
  };
}

let sequence = 0;
export function reading(device: DeviceContext, ts: number, body: ReadingBody): Reading {
  sequence += 1;
  return { siteId: 'demo', deviceId: device.device.id, ts, deviceTs: ts, receivedAt: ts, drill: false, idempotencyKey: `k${sequence}`, ...body };
}

export const summarise = (events: readonly DetectorEvent[]): string =>
  events
    .map((e) => (e.type === 'raise' ? `raise ${e.rule} ${e.subject} ${e.severity}` : `clear ${e.rule} ${e.subject} ${e.closesWorkOrder ? 'closes' : 'stays'}`))
    .join(' | ') || '-';

export type Step = readonly [ts: number, what: ReadingBody | 'tick', device?: DeviceContext];

export interface Play<State> {
  readonly lines: string[];
  readonly events: DetectorEvent[][];
  readonly states: Map<string, State>;
}

/** Plays the steps against one detector; `device` is the default for steps that name none. */
export function play<Config, State>(sut: Detector<Config, State>, config: Config, device: DeviceContext, steps: readonly Step[]): Play<State> {
  const states = new Map<string, { state: State; device: DeviceContext }>();
  const registers = new Map<string, RegisterState>();
  const events = steps.map(([ts, what, stepDevice = device]) => {
    if (what === 'tick') {
      const out: DetectorEvent[] = [];
      for (const entry of states.values()) {
        const due = sut.wakeAt?.(entry.state);
        if (due !== undefined && due <= ts && sut.onTick) out.push(...sut.onTick(entry.state, { config, device: entry.device, now: ts }));
      }
      return out;
    }
    const r = reading(stepDevice, ts, what);
    if (!sut.appliesTo.includes(r.kind)) return [];
    let meter: ReturnType<typeof stepRegister> | undefined;
    if (isMeterTotal(r.kind) && 'value' in r) {
      const registerKey = r.drill ? `${r.deviceId}#drill` : r.deviceId;
      let register = registers.get(registerKey);
      if (register === undefined) {
        register = emptyRegister();
        registers.set(registerKey, register);
      }
      meter = stepRegister(register, r.value, r.ts);
    }
    const key = sut.stateKey ? sut.stateKey(r, stepDevice) : stepDevice.device.id;
    if (key === undefined) return [];
    let entry = states.get(key);
    if (entry === undefined) {
      entry = { state: sut.initialState(stepDevice), device: stepDevice };
      states.set(key, entry);
    }
    entry.device = stepDevice;
    return [...sut.onReading(entry.state, r, { config, device: stepDevice, now: ts, ...(meter ? { meter } : {}) })];
  });
  return { lines: events.map(summarise), events, states: new Map([...states].map(([k, v]) => [k, v.state])) };
}

/** JSON size of a state, for the state-size tests (the pipeline snapshots states as JSON). */
export const jsonBytes = (state: unknown): number => new TextEncoder().encode(JSON.stringify(state)).length;
