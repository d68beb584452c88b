import type { AnyDetector, DetectorEvent, DeviceContext, MeterRegisterConfig, MeterStep, Reading, ReadingKind, RegisterBreak } from '@dutyroom/domain';
import {
  breakOf,
  DEVICE_OFFLINE_RULE,
  emptyMeterStep,
  GATEWAY_OFFLINE_RULE,
  isMeterTotal,
  judgeStep,
  meterRegister,
  meterRegisterOptions,
  recordBreak,
  stepRegister,
} from '@dutyroom/domain';
import { DetectorStates, DRILL_SUFFIX, type StateEntry } from './detector-states.ts';
import type { ConfigResolver } from './rule-config.ts';

export interface DetectorRunnerDeps {
  readonly detectors: readonly AnyDetector[];
  readonly configFor: ConfigResolver;
  /** The site's current view of a device, for ticks: an occupancy edit since its last reading counts. */
  readonly site: { device(deviceId: string): DeviceContext | undefined };
  /** A detector threw: the caller counts and logs it; the other detectors still run. */
  readonly onError: (detector: AnyDetector, error: unknown, deviceId: string) => void;
  /**
   * A meter register step that was not plain consumption (reset, replacement, rollover, backwards,
   * jump, catch-up), classified by meter-register's bounds: the caller counts and logs it, so a
   * re-base reaches operators as evidence without an anomaly.
   */
  readonly onBreak?: (device: DeviceContext, mark: RegisterBreak) => void;
}

/** What the store knows of the time before a restart (StateStore.resumePoint). */
export interface ResumePoint {
  readonly startedAt: number;
  /** The newest moment the previous run is known to have been listening; 0: unknown. */
  readonly listeningUntil: number;
  /** Per device: its newest stored reading and its newest stored register total. */
  readonly devices: ReadonlyMap<string, StoredReading>;
}

export interface StoredReading {
  readonly ts: number;
  /** The newest register total (water.total / electricity.total) and its ts; absent for other devices. */
  readonly total?: number;
  readonly totalTs?: number;
}

/** Findings of one reading, and the state entries that produced them (snapshotted with them). */
export interface Findings {
  readonly events: DetectorEvent[];
  readonly touched: StateEntry[];
}

export interface DetectorRunner {
  readonly states: DetectorStates;
  /** Steps the device's meter register (register readings), then runs the detectors of the reading's kind. */
  onReading(reading: Reading, device: DeviceContext): Findings | undefined;
  /**
   * After `states.restore`, before the first tick: brings each device's register and device-keyed
   * states up to its newest stored reading and lets detectors move timers the ingest's absence
   * must not fire (Detector.resume). Returns how many registers were moved forward.
   */
  resume(point: ResumePoint): number;
  /** Runs the detector timers due at `now`; `found` gets each entry's findings. */
  tick(now: number, found: (entry: StateEntry, events: DetectorEvent[]) => void): void;
}

/**
 * A drill ends and its devices fall silent: a missed heartbeat of a drill is no finding (a drill's
 * device goes offline by its last will, which arrives as a reading).
 */
const LIVENESS_RULES: ReadonlySet<string> = new Set([DEVICE_OFFLINE_RULE, GATEWAY_OFFLINE_RULE]);

/**
 * The detectors over their states (docs/ingest.md § Detector state): per reading, ONE register step
 * per meter shared by every meter rule (DetectorContext.meter), then each rule of the reading's kind
 * on its state. A state is created lazily: a rule whose state is still its initial state after a
 * reading (custody rules outside custody, rules with nothing to remember) holds none.
 */
export function createDetectorRunner(deps: DetectorRunnerDeps): DetectorRunner {
  const { detectors, configFor } = deps;
  const states = new DetectorStates(detectors, (d) => LIVENESS_RULES.has(d.id));
  /** Detectors by the reading kinds they apply to: the hot path never scans the registry. */
  const byKind = new Map<ReadingKind, number[]>();
  detectors.forEach((d, i) => {
    for (const kind of d.appliesTo) byKind.set(kind, [...(byKind.get(kind) ?? []), i]);
  });
  /** One initial state per detector whose initial state does not depend on the device (it takes no argument). */
  const initials = detectors.map((d) => (d.initialState.length === 0 ? d.initialState(undefined as never) : undefined));
  /** Reused for every reading: detectors read it during the call only (DetectorContext.meter). */
  const step: MeterStep = emptyMeterStep();
  /** meter-register's bounds classify every register step (its site configuration, else its defaults). */
  const registerIndex = detectors.findIndex((d) => d.id === meterRegister.id);
  const registerDefaults = meterRegister.configSchema.parse({});

  /**
   * Configurations by detector and unit type: the resolver depends on nothing else (rule-config.ts)
   * but builds a string key per call, a tenth of the detectors' CPU time.
   */
  const configs = detectors.map(() => new Map<string | undefined, unknown>());
  const configOf = (i: number, detector: AnyDetector, device: DeviceContext): unknown => {
    const byUnitType = configs[i] as Map<string | undefined, unknown>;
    const unitType = device.unit?.unitType;
    let config = byUnitType.get(unitType);
    if (config === undefined) {
      config = configFor(detector, device);
      byUnitType.set(unitType, config);
    }
    return config;
  };

  const classify = (entry: StateEntry, meter: MeterStep, device: DeviceContext, kind: 'water.total' | 'electricity.total') => {
    const config = (registerIndex < 0 ? registerDefaults : configOf(registerIndex, meterRegister, device)) as MeterRegisterConfig;
    const options = meterRegisterOptions(config, device, kind);
    const found = breakOf(judgeStep(meter, options), options);
    if (found === undefined) return;
    const mark = recordBreak(entry, meter, found);
    deps.onBreak?.(device, mark);
  };

  const stillInitial = (i: number, state: unknown, device: DeviceContext): boolean =>
    sameShallow(state, initials[i] ?? (detectors[i] as AnyDetector).initialState(device));

  return {
    states,

    onReading(reading, device) {
      const indexes = byKind.get(reading.kind);
      if (indexes === undefined) return undefined;
      const drill = reading.drill;
      // The site's id string, not the decoder's copy: the map key then costs nothing per device.
      const deviceKey = drill ? device.device.id + DRILL_SUFFIX : device.device.id;
      let home = states.deviceEntry(deviceKey);
      let homeTouched = false;
      let meter: MeterStep | undefined;
      if (isMeterTotal(reading.kind) && 'value' in reading) {
        home ??= states.addDeviceEntry(deviceKey, device);
        meter = stepRegister(home, reading.value, reading.ts, step);
        homeTouched = true;
        if (meter.kind === 'step') classify(home, meter, device, reading.kind as 'water.total' | 'electricity.total');
      }
      let found: { events: DetectorEvent[]; touched: StateEntry[] } | undefined;
      for (const i of indexes) {
        const detector = detectors[i] as AnyDetector;
        try {
          const base = detector.stateKey ? detector.stateKey(reading, device) : reading.deviceId;
          if (base === undefined) continue;
          const onDevice = base === reading.deviceId;
          const key = onDevice ? deviceKey : drill ? base + DRILL_SUFFIX : base;
          let entry = onDevice ? home : states.keyedEntry(i, key);
          let state = entry?.stateOf(i);
          const fresh = state === undefined;
          if (fresh) state = detector.initialState(device);
          const config = configOf(i, detector, device);
          const events = detector.onReading(
            state,
            reading,
            meter === undefined ? { config, device, now: reading.ts } : { config, device, now: reading.ts, meter },
          );
          if (!fresh || !stillInitial(i, state, device)) {
            if (entry === undefined) {
              entry = onDevice ? states.addDeviceEntry(key, device) : states.addKeyedEntry(i, key, device);
              if (onDevice) home = entry;
            }
            if (fresh) states.put(entry, i, state);
            if (onDevice) homeTouched = true;
            else {
              entry.device = device;
              states.touched(entry);
            }
          }
          if (events.length > 0) {
            found ??= { events: [], touched: [] };
            found.events.push(...events);
            if (entry !== undefined && !found.touched.includes(entry)) found.touched.push(entry);
          }
        } catch (error) {
          deps.onError(detector, error, reading.deviceId);
        }
      }
      if (homeTouched && home !== undefined) {
        home.device = device;
        states.touched(home);
      }
      return found;
    },

    resume(point) {
      let moved = 0;
      // Detector.resume is for states keyed by the device (liveness keys by the device it watches).
      const resumable = detectors.flatMap((d, i) => (d.resume !== undefined ? [i] : []));
      const ids = new Set<string>(point.devices.keys());
      for (const entry of states.deviceEntries()) if (!entry.drill) ids.add(entry.key);
      for (const id of ids) {
        const device = deps.site.device(id);
        if (device === undefined) continue;
        let entry = states.deviceEntry(id);
        let touched = false;
        const stored = point.devices.get(id);
        // A register snapshot older than the newest stored total: the newest is the baseline.
        if (stored?.total !== undefined && stored.totalTs !== undefined && stored.totalTs > (entry?.ts ?? 0)) {
          entry ??= states.addDeviceEntry(id, device);
          entry.total = stored.total;
          entry.ts = stored.totalTs;
          touched = true;
          moved++;
        }
        for (const i of resumable) {
          const detector = detectors[i] as AnyDetector;
          let state = entry?.stateOf(i);
          const fresh = state === undefined;
          if (fresh) state = detector.initialState(device);
          try {
            detector.resume?.(state, {
              config: configOf(i, detector, device),
              device,
              startedAt: point.startedAt,
              listeningUntil: point.listeningUntil,
              lastReadingTs: stored?.ts ?? 0,
            });
          } catch (error) {
            deps.onError(detector, error, id);
            continue;
          }
          if (fresh && stillInitial(i, state, device)) continue;
          entry ??= states.addDeviceEntry(id, device);
          if (fresh) states.put(entry, i, state);
          touched = true;
        }
        if (touched && entry !== undefined) states.touched(entry);
      }
      return moved;
    },

    tick(now, found) {
      for (const entry of states.timers.takeDue(now)) {
        // The site's current view of the device: an occupancy edit since its last reading counts.
        const device = deps.site.device(entry.device.device.id) ?? entry.device;
        entry.device = device;
        let events: DetectorEvent[] | undefined;
        let failed: number[] | undefined;
        const detectorOf = entry.layout.detectorOf;
        for (let slot = 0; slot < detectorOf.length; slot++) {
          const i = detectorOf[slot] as number;
          if (!states.ticks(entry, i)) continue;
          const detector = detectors[i] as AnyDetector;
          const state = entry.slots[slot];
          const due = detector.wakeAt?.(state);
          if (due === undefined || due > now) continue;
          try {
            const out = detector.onTick?.(state, { config: configOf(i, detector, device), device, now }) ?? [];
            if (out.length > 0) {
              events ??= [];
              events.push(...out);
            }
          } catch (error) {
            deps.onError(detector, error, device.device.id);
            failed ??= [];
            failed.push(i);
          }
        }
        states.touched(entry, failed);
        if (events !== undefined) found(entry, events);
      }
    },
  };
}

/**
 * Whether a state still equals an initial state, field by field: a nested object or array always
 * counts as changed (kept, never lost). Detector states are flat where it matters for this.
 */
function sameShallow(state: unknown, initial: unknown): boolean {
  if (typeof state !== 'object' || state === null || typeof initial !== 'object' || initial === null) return state === initial;
  const a = state as Record<string, unknown>;
  const b = initial as Record<string, unknown>;
  let n = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}
