import type { Simulation } from '@dutyroom/simulators';
import type { AnomalyRow, Tolerance } from './accounting.ts';

/**
 * The demo community's ordinary life (simulators/src/ambient.ts, usage profiles) causes anomalies
 * of its own: a device drops off for hours, a fire panel reports a fault, a deactivated card is
 * swiped, a battery runs low, a household uses water. Those the devices caused are not noise. The
 * ledger watches the simulation (it wraps the instance's `observe` and `set…Online`, which the
 * ambient events call) and accepts an anomaly only when the device really did that thing then.
 * Consumption rules are judged by a rule of thumb (below), since the ledger does not re-run the
 * detectors: it accepts them unless a register discontinuity the bench made (a re-base, a
 * simulator restart) came in the two hours before, and a burst only after a real flow above 30 L/min.
 */
export interface AmbientLedger {
  /** Wraps a (new) simulation: call after every simulator start. */
  watch(simulation: Simulation): void;
  /** The bench changed these meters' registers (every meter when undefined) at `ts`. */
  discontinuity(ts: number, meterIds?: readonly string[]): void;
  readonly tolerance: Tolerance;
}

const HOUR = 3_600_000;
const CONSUMPTION = new Set([
  'vacant-unit-water',
  'vacant-unit-electricity',
  'custody-water-allowance',
  'custody-electricity-allowance',
  'continuous-flow',
  'night-flow',
]);
const ACCESS = new Set(['deactivated-card', 'repeated-denied-card', 'repeated-denied-door', 'door-held-open']);

export function ambientLedger(injectedLeakUnits: ReadonlySet<string>): AmbientLedger {
  /** Device → [from, to] intervals it was off the network by its own doing (or behind its gateway). */
  const offline = new Map<string, [number, number][]>();
  const faults = new Map<string, number[]>();
  const denied = new Map<string, number[]>();
  const lowBattery = new Map<string, number>();
  const burstFlow = new Map<string, number[]>();
  const discontinuities: { ts: number; meters: ReadonlySet<string> | undefined }[] = [];
  const unitOfMeter = new Map<string, string>();
  let sim: Simulation | undefined;
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);
  const wentOff = (id: string, ts: number) => push(offline, id, [ts, Number.POSITIVE_INFINITY]);
  const cameBack = (id: string, ts: number) => {
    const last = offline.get(id)?.at(-1);
    if (last !== undefined && last[1] === Number.POSITIVE_INFINITY) last[1] = ts;
  };

  const tolerance: Tolerance = {
    label: 'ambient life (device-caused)',
    ordersAllowed: true,
    accepts(a: AnomalyRow) {
      if (a.drill) return false;
      const device = a.deviceId ?? a.subject;
      const near = (list: number[] | undefined, before: number, after: number) => (list ?? []).some((t) => a.openedAt >= t - before && a.openedAt <= t + after);
      if (a.rule === 'device-offline' || a.rule === 'gateway-offline') {
        const gateway = sim?.device(device)?.gatewayId;
        const spans = [...(offline.get(device) ?? []), ...(gateway === undefined ? [] : (offline.get(gateway) ?? []))];
        return spans.some(([from, to]) => a.openedAt >= from - 60_000 && a.openedAt <= Math.min(to, from + 24 * HOUR) + 15 * 60_000);
      }
      if (a.rule === 'fire-fault') return near(faults.get(device), 60_000, 2 * HOUR);
      if (ACCESS.has(a.rule)) return near(denied.get(device), 60_000, HOUR) || a.rule === 'door-held-open';
      if (a.rule === 'low-battery') return (lowBattery.get(device) ?? Number.POSITIVE_INFINITY) <= a.openedAt + 60_000;
      const unit = a.unitId;
      if (unit === null || injectedLeakUnits.has(unit)) return false;
      const metersOfUnit = [...unitOfMeter].filter(([, u]) => u === unit).map(([m]) => m);
      const disturbed = discontinuities.some(
        (d) => a.openedAt >= d.ts && a.openedAt <= d.ts + 2 * HOUR && (d.meters === undefined || metersOfUnit.some((m) => d.meters?.has(m))),
      );
      if (disturbed) return false;
      if (a.rule === 'burst') return metersOfUnit.some((m) => near(burstFlow.get(m), HOUR, 60_000));
      return CONSUMPTION.has(a.rule);
    },
  };

  return {
    tolerance,
    discontinuity(ts, meterIds) {
      discontinuities.push({ ts, meters: meterIds === undefined ? undefined : new Set(meterIds) });
    },
    watch(simulation) {
      sim = simulation;
      for (const d of simulation.devices)
        if (d.unitId !== undefined && (d.kind === 'water-meter' || d.kind === 'electricity-meter')) unitOfMeter.set(d.id, d.unitId);
      const observe = simulation.observe.bind(simulation);
      const setDeviceOnline = simulation.setDeviceOnline.bind(simulation);
      const setGatewayOnline = simulation.setGatewayOnline.bind(simulation);
      simulation.observe = (device, observation, ts) => {
        if (observation.type === 'fire' && observation.event === 'fault') push(faults, device.id, ts);
        if (observation.type === 'access' && observation.event === 'denied') push(denied, device.id, ts);
        if (observation.type === 'water' && observation.batteryLow && !lowBattery.has(device.id)) lowBattery.set(device.id, ts);
        if (observation.type === 'battery' && observation.low && !lowBattery.has(device.id)) lowBattery.set(device.id, ts);
        if (observation.type === 'water' && observation.flowLitresPerMinute > 30) push(burstFlow, device.id, ts);
        observe(device, observation, ts);
      };
      simulation.setDeviceOnline = (device, online, ts) => {
        if (online) cameBack(device.id, ts);
        else wentOff(device.id, ts);
        setDeviceOnline(device, online, ts);
      };
      simulation.setGatewayOnline = (gateway, online, ts) => {
        if (online) cameBack(gateway.id, ts);
        else wentOff(gateway.id, ts);
        setGatewayOnline(gateway, online, ts);
      };
    },
  };
}
