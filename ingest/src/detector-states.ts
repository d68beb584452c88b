import type { AnyDetector, DeviceContext } from '@dutyroom/domain';
import { type Schedulable, TimerHeap } from './timer-heap.ts';

/** One detector's state for one key (a device by default; a zone, a door, a card if the detector says so). */
export interface StateEntry extends Schedulable {
  readonly detectorIndex: number;
  /** The detector's state key; drill readings keep their own state under `<key>#drill`. */
  readonly key: string;
  readonly drill: boolean;
  /** The device that last touched the state: the context of `onTick`. */
  device: DeviceContext;
  state: unknown;
}

/** A state as snapshotted: the detector's version travels with it, so a changed shape is never misread. */
export interface StateSnapshot {
  readonly detectorId: string;
  readonly stateKey: string;
  readonly version: number;
  readonly deviceId: string;
  readonly state: unknown;
  readonly wakeAt: number | undefined;
}

export const DRILL_SUFFIX = '#drill';

/**
 * The ingest's memory: every detector state, the timers they ask for, and which changed since the
 * last snapshot. Per meter this is one Map entry and one small object per detector that applies.
 */
export class DetectorStates {
  readonly timers = new TimerHeap<StateEntry>();
  private readonly byDetector: Map<string, StateEntry>[];
  private dirty = new Set<StateEntry>();

  constructor(readonly detectors: readonly AnyDetector[]) {
    this.byDetector = detectors.map(() => new Map());
  }

  get size(): number {
    let n = 0;
    for (const map of this.byDetector) n += map.size;
    return n;
  }

  get dirtyCount(): number {
    return this.dirty.size;
  }

  /** The entry for this key, created with the detector's initial state on first use. */
  entry(detectorIndex: number, key: string, device: DeviceContext, drill: boolean): StateEntry {
    const map = this.byDetector[detectorIndex] as Map<string, StateEntry>;
    let entry = map.get(key);
    if (entry === undefined) {
      const detector = this.detectors[detectorIndex] as AnyDetector;
      entry = { detectorIndex, key, drill, device, state: detector.initialState(device), wakeAt: undefined, heapAt: undefined };
      map.set(key, entry);
    }
    return entry;
  }

  /** After the detector ran: remember to snapshot it and follow its timer. */
  touched(entry: StateEntry): void {
    this.dirty.add(entry);
    const detector = this.detectors[entry.detectorIndex] as AnyDetector;
    if (detector.wakeAt !== undefined) this.timers.schedule(entry, detector.wakeAt(entry.state));
  }

  snapshotOf(entry: StateEntry): StateSnapshot {
    const detector = this.detectors[entry.detectorIndex] as AnyDetector;
    return {
      detectorId: detector.id,
      stateKey: entry.key,
      version: detector.version,
      deviceId: entry.device.device.id,
      state: entry.state,
      wakeAt: entry.wakeAt,
    };
  }

  /** Marks one entry clean because it is being written with an anomaly change. */
  clean(entry: StateEntry): void {
    this.dirty.delete(entry);
  }

  /** Up to `limit` states changed since they were last taken, oldest change first; they count as clean from now. */
  takeDirty(limit = Number.POSITIVE_INFINITY): StateEntry[] {
    if (this.dirty.size <= limit) {
      const all = [...this.dirty];
      this.dirty = new Set();
      return all;
    }
    const taken: StateEntry[] = [];
    for (const entry of this.dirty) {
      if (taken.length >= limit) break;
      taken.push(entry);
    }
    for (const entry of taken) this.dirty.delete(entry);
    return taken;
  }

  /** Puts entries back after a snapshot failed to store. */
  markDirty(entries: readonly StateEntry[]): void {
    for (const e of entries) this.dirty.add(e);
  }

  /**
   * Restores snapshots taken before a restart. A snapshot of another detector version, of a
   * detector no longer registered, or of a device no longer in the site file is discarded.
   * Timers already due fire on the first tick.
   */
  restore(snapshots: readonly StateSnapshot[], device: (deviceId: string) => DeviceContext | undefined): { restored: number; discarded: number } {
    const index = new Map(this.detectors.map((d, i) => [d.id, i]));
    let restored = 0;
    let discarded = 0;
    for (const s of snapshots) {
      const detectorIndex = index.get(s.detectorId);
      const ctx = device(s.deviceId);
      if (detectorIndex === undefined || ctx === undefined || this.detectors[detectorIndex]?.version !== s.version) {
        discarded++;
        continue;
      }
      const entry: StateEntry = {
        detectorIndex,
        key: s.stateKey,
        drill: s.stateKey.endsWith(DRILL_SUFFIX),
        device: ctx,
        state: s.state,
        wakeAt: undefined,
        heapAt: undefined,
      };
      (this.byDetector[detectorIndex] as Map<string, StateEntry>).set(s.stateKey, entry);
      const detector = this.detectors[detectorIndex] as AnyDetector;
      this.timers.schedule(entry, detector.wakeAt ? detector.wakeAt(entry.state) : (s.wakeAt ?? undefined));
      restored++;
    }
    return { restored, discarded };
  }
}
