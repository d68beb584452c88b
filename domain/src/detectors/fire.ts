import { z } from 'zod';
import type { DetectorEvent } from '../model/anomaly.ts';
import type { FirePoint, ReadingOf } from '../model/reading.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { Detector } from './detector.ts';
import { clear, MINUTE_MS, raise } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 火警 per fire zone (防火分区/报警区域), from panels (GB/T 26875 points) or stand-alone detectors.
 *
 * | panel says  | finding                                                                          |
 * | ----------- | -------------------------------------------------------------------------------- |
 * | alarm       | fire-alarm P1 (zone) — every time, never suppressed, also during a test          |
 * |             | + fire-confirmed P1 (zone) once `confirmPoints` distinct points alarm within     |
 * |             |   `confirmWindowMinutes` (SPEC §5: several detectors in one zone escalate)      |
 * | fault       | fire-fault P3 (point): a maintenance order, not a fire                           |
 * | supervisory | fire-fault P3 (point), evidence says supervisory (监管: valve, pump, pressure)   |
 * | test        | nothing raised; alarms in the next `testWindowMinutes` carry `duringTest: true`   |
 * | reset       | clears the zone's alarms and faults; orders stay (security reports, 确认并汇报) |
 *
 * A reset older than the zone's latest alarm clears nothing: a late reset must not hide a newer fire.
 */
const configSchema = z.strictObject({
  confirmPoints: z.number().int().min(2).default(2),
  confirmWindowMinutes: z.number().positive().default(10),
  testWindowMinutes: z.number().positive().default(30),
});
export type FireConfig = z.infer<typeof configSchema>;

/** Points in alarm are kept up to this many per zone; the count in the evidence saturates there. */
const MAX_POINTS = 16;

export interface FireZoneState {
  zone: string;
  /** Distinct points in alarm: [point id, last alarm ts]. */
  alarms: [string, number][];
  lastAlarm: number;
  alarmRaised: boolean;
  confirmed: boolean;
  /** Points with an open fault or supervisory finding. */
  faults: string[];
  testAt: number;
}

const zoneOf = (reading: ReadingOf<'fire'>, device: DeviceContext): string => reading.zone ?? device.device.zone ?? device.device.id;

/** A panel point as the panel addresses it (控制器-回路-部位), else the detector itself. */
const pointId = (device: DeviceContext, point: FirePoint | undefined): string =>
  point === undefined ? device.device.id : `${device.device.id}:${point.controller}-${point.loop}-${point.point}`;

export const fire: Detector<FireConfig, FireZoneState> = {
  id: 'fire',
  version: 1,
  rules: [ruleIds.fireAlarm, ruleIds.fireConfirmed, ruleIds.fireFault],
  appliesTo: ['fire'],
  configSchema,
  stateKey: (reading, device) => (reading.kind === 'fire' ? `zone:${zoneOf(reading, device)}` : undefined),
  initialState: () => ({ zone: '', alarms: [], lastAlarm: 0, alarmRaised: false, confirmed: false, faults: [], testAt: 0 }),

  onReading(state, reading, { config, device }) {
    if (reading.kind !== 'fire') return [];
    const zone = zoneOf(reading, device);
    state.zone = zone;
    const point = pointId(device, reading.point);
    const at = { zone, point, deviceType: reading.point?.deviceType ?? device.kind };
    switch (reading.event) {
      case 'alarm':
        return alarm(state, reading.ts, point, at, config);
      case 'fault':
      case 'supervisory':
        if (!state.faults.includes(point) && state.faults.length < MAX_POINTS) state.faults.push(point);
        return [raise(ruleIds.fireFault, point, 'P3', { ...at, event: reading.event })];
      case 'test':
        state.testAt = Math.max(state.testAt, reading.ts);
        return [];
      case 'reset':
        return reset(state, reading.ts);
    }
  },
};

function alarm(state: FireZoneState, ts: number, point: string, at: Record<string, string>, config: FireConfig): DetectorEvent[] {
  const horizon = Math.max(ts, state.lastAlarm) - config.confirmWindowMinutes * MINUTE_MS;
  state.alarms = state.alarms.filter(([p, t]) => t >= horizon && p !== point);
  state.alarms.push([point, ts]);
  if (state.alarms.length > MAX_POINTS) state.alarms.shift();
  state.lastAlarm = Math.max(state.lastAlarm, ts);
  state.alarmRaised = true;
  const inWindow = state.alarms.filter(([, t]) => t >= horizon);
  const duringTest = state.testAt !== 0 && ts >= state.testAt && ts - state.testAt <= config.testWindowMinutes * MINUTE_MS;
  // 火警: raised on every alarm the panel sends, whatever came before (never suppressed).
  const events = [raise(ruleIds.fireAlarm, state.zone, 'P1', { ...at, pointsInAlarm: inWindow.length, duringTest })];
  if (inWindow.length >= config.confirmPoints) {
    state.confirmed = true;
    events.push(
      raise(ruleIds.fireConfirmed, state.zone, 'P1', {
        zone: state.zone,
        pointsInAlarm: inWindow.length,
        points: inWindow.map(([p]) => p).join(','),
        windowMinutes: config.confirmWindowMinutes,
      }),
    );
  }
  return events;
}

function reset(state: FireZoneState, ts: number): DetectorEvent[] {
  if (ts < state.lastAlarm) return [];
  const events: DetectorEvent[] = [];
  // Orders stay open: security still confirms and reports on site; maintenance still checks the fault.
  if (state.alarmRaised) events.push(clear(ruleIds.fireAlarm, state.zone, false));
  if (state.confirmed) events.push(clear(ruleIds.fireConfirmed, state.zone, false));
  for (const point of state.faults) events.push(clear(ruleIds.fireFault, point, false));
  Object.assign(state, { alarms: [], alarmRaised: false, confirmed: false, faults: [] });
  return events;
}
