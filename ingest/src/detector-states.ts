import type { AnyDetector, BreakKind, DeviceContext, RegisterBreak, RegisterState } from '@dutyroom/domain';
import { type Schedulable, TimerHeap } from './timer-heap.ts';

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
 * The row under which a device's meter register (shared by every meter rule) is snapshotted. Not a
 * detector id (those are kebab-case words), so no detector can take it.
 */
export const REGISTER_SNAPSHOT = { detectorId: '@meter-register', version: 1 } as const;

/**
 * Which detectors hold a state in an entry, and in which slot. Entries with the same detectors share
 * one layout, as objects of one shape share a hidden class in V8: an entry then needs one array of
 * exactly as many slots as it has states, not a map or a slot per registered detector.
 */
class Layout {
  private readonly next = new Map<number, Layout>();

  constructor(
    /** Slot → detector index. */
    readonly detectorOf: readonly number[],
    /** Detector index → slot, -1 for none. */
    private readonly slots: Int16Array,
  ) {}

  slotOf(detectorIndex: number): number {
    return this.slots[detectorIndex] as number;
  }

  /** The layout with one more detector, in the next slot (shared by every entry that grows the same way). */
  with(detectorIndex: number): Layout {
    let layout = this.next.get(detectorIndex);
    if (layout === undefined) {
      const slots = this.slots.slice();
      slots[detectorIndex] = this.detectorOf.length;
      layout = new Layout([...this.detectorOf, detectorIndex], slots);
      this.next.set(detectorIndex, layout);
    }
    return layout;
  }
}

/** Shared by entries without states; never written (`put` replaces the array). */
const NO_SLOTS: unknown[] = [];

/**
 * The states of one key: for a device (`deviceId`, or `deviceId#drill` for drill readings) its meter
 * register and the state of every rule keyed by the device; for a rule keyed otherwise (a fire zone,
 * a door, a card) that rule's state. One object, one map entry and one timer per device, however
 * many rules watch it; a rule whose state is still its initial state has no slot at all.
 */
export class StateEntry implements Schedulable, RegisterState {
  layout: Layout;
  slots: unknown[] = NO_SLOTS;
  /** The device's meter register (ts 0: no register reading yet): DetectorContext.meter is stepped from it. */
  total = 0;
  ts = 0;
  /** The register's last discontinuity (one pointer; an object only for meters that had one). */
  last: RegisterBreak | undefined = undefined;
  wakeAt: number | undefined = undefined;
  heapAt: number | undefined = undefined;

  constructor(
    readonly key: string,
    /** The device that last touched the entry: the context of `onTick`. */
    public device: DeviceContext,
    layout: Layout,
  ) {
    this.layout = layout;
  }

  get drill(): boolean {
    return this.key.endsWith(DRILL_SUFFIX);
  }

  /** The detector's state here, or undefined while it is the detector's initial state. */
  stateOf(detectorIndex: number): unknown {
    const slot = this.layout.slotOf(detectorIndex);
    return slot < 0 ? undefined : this.slots[slot];
  }
}

/**
 * The ingest's memory: every detector state, the timers they ask for, and which changed since the
 * last snapshot. Per meter this is one StateEntry (register, slots, timer fields), one map entry and
 * one small object per rule whose state differs from its initial state.
 */
export class DetectorStates {
  readonly timers = new TimerHeap<StateEntry>();
  private readonly devices = new Map<string, StateEntry>();
  /** Entries of rules keyed by something other than the device, one map per detector. */
  private readonly keyed: Map<string, StateEntry>[];
  private readonly root: Layout;
  private dirty = new Set<StateEntry>();
  private held = 0;

  constructor(
    readonly detectors: readonly AnyDetector[],
    /** Detectors whose timers a drill entry never runs (a drill's devices fall silent when it ends). */
    private readonly quietInDrill: (detector: AnyDetector) => boolean = () => false,
  ) {
    this.keyed = detectors.map(() => new Map());
    this.root = new Layout([], new Int16Array(detectors.length).fill(-1));
  }

  /** Detector states held (states still equal to their initial state are not held). */
  get size(): number {
    return this.held;
  }

  get dirtyCount(): number {
    return this.dirty.size;
  }

  /** The entry of a device key (`deviceId` or `deviceId#drill`), if it holds anything. */
  deviceEntry(key: string): StateEntry | undefined {
    return this.devices.get(key);
  }

  /** Every device entry (drill entries included: their keys end in `#drill`). */
  deviceEntries(): IterableIterator<StateEntry> {
    return this.devices.values();
  }

  addDeviceEntry(key: string, device: DeviceContext): StateEntry {
    const entry = new StateEntry(key, device, this.root);
    this.devices.set(key, entry);
    return entry;
  }

  /** The entry of a detector keyed by something other than the device. */
  keyedEntry(detectorIndex: number, key: string): StateEntry | undefined {
    return (this.keyed[detectorIndex] as Map<string, StateEntry>).get(key);
  }

  addKeyedEntry(detectorIndex: number, key: string, device: DeviceContext): StateEntry {
    const entry = new StateEntry(key, device, this.root);
    (this.keyed[detectorIndex] as Map<string, StateEntry>).set(key, entry);
    return entry;
  }

  /** Gives a detector a slot in the entry (it had none: its state was the initial one). */
  put(entry: StateEntry, detectorIndex: number, state: unknown): void {
    const slot = entry.layout.slotOf(detectorIndex);
    if (slot >= 0) {
      entry.slots[slot] = state;
      return;
    }
    entry.layout = entry.layout.with(detectorIndex);
    // A new array of exactly n + 1 slots: push would leave room for 16 more (~130 B per device).
    const n = entry.slots.length;
    const slots = new Array<unknown>(n + 1);
    for (let k = 0; k < n; k++) slots[k] = entry.slots[k];
    slots[n] = state;
    entry.slots = slots;
    this.held++;
  }

  /** Whether the detector's timer runs for this entry. */
  ticks(entry: StateEntry, detectorIndex: number): boolean {
    const detector = this.detectors[detectorIndex] as AnyDetector;
    return detector.onTick !== undefined && detector.wakeAt !== undefined && !(this.quietInDrill(detector) && entry.drill);
  }

  /**
   * After detectors ran on the entry: remember to snapshot it, and follow the earliest timer of its
   * states, but for `failed` detectors (their onTick threw): their timer waits for their next reading
   * instead of failing again every second.
   */
  touched(entry: StateEntry, failed?: readonly number[]): void {
    this.dirty.add(entry);
    this.timers.schedule(entry, this.wakeOf(entry, failed));
  }

  private wakeOf(entry: StateEntry, failed?: readonly number[]): number | undefined {
    let wake: number | undefined;
    const detectorOf = entry.layout.detectorOf;
    for (let slot = 0; slot < detectorOf.length; slot++) {
      const i = detectorOf[slot] as number;
      if (!this.ticks(entry, i) || failed?.includes(i)) continue;
      const at = (this.detectors[i] as AnyDetector).wakeAt?.(entry.slots[slot]);
      if (at !== undefined && (wake === undefined || at < wake)) wake = at;
    }
    return wake;
  }

  /** The snapshot rows of entries: the register (if any) and one row per held state. */
  snapshotsOf(entries: readonly StateEntry[]): StateSnapshot[] {
    const rows: StateSnapshot[] = [];
    for (const entry of entries) {
      const deviceId = entry.device.device.id;
      if (entry.ts !== 0) {
        rows.push({ ...REGISTER_SNAPSHOT, stateKey: entry.key, deviceId, state: registerRow(entry), wakeAt: undefined });
      }
      const detectorOf = entry.layout.detectorOf;
      for (let slot = 0; slot < detectorOf.length; slot++) {
        const detector = this.detectors[detectorOf[slot] as number] as AnyDetector;
        const state = entry.slots[slot];
        rows.push({ detectorId: detector.id, stateKey: entry.key, version: detector.version, deviceId, state, wakeAt: detector.wakeAt?.(state) });
      }
    }
    return rows;
  }

  /** Marks one entry clean because it is being written with an anomaly change. */
  clean(entry: StateEntry): void {
    this.dirty.delete(entry);
  }

  /**
   * Entries changed since they were last taken, oldest change first, as many as give at most
   * `limit` snapshot rows (at least one entry): the limit bounds database writes, and an entry is
   * one row per state plus its register. They count as clean from now.
   */
  takeDirty(limit = Number.POSITIVE_INFINITY): StateEntry[] {
    const taken: StateEntry[] = [];
    let rows = 0;
    for (const entry of this.dirty) {
      rows += rowsOf(entry);
      if (rows > limit && taken.length > 0) break;
      taken.push(entry);
    }
    if (taken.length === this.dirty.size) this.dirty = new Set();
    else for (const entry of taken) this.dirty.delete(entry);
    return taken;
  }

  /** Entries in consecutive groups of at most `maxRows` snapshot rows each (an entry is never split). */
  chunkByRows(entries: readonly StateEntry[], maxRows: number): StateEntry[][] {
    const chunks: StateEntry[][] = [];
    let chunk: StateEntry[] = [];
    let rows = 0;
    for (const entry of entries) {
      const n = rowsOf(entry);
      if (rows + n > maxRows && chunk.length > 0) {
        chunks.push(chunk);
        chunk = [];
        rows = 0;
      }
      chunk.push(entry);
      rows += n;
    }
    if (chunk.length > 0) chunks.push(chunk);
    return chunks;
  }

  /** Puts entries back after a snapshot failed to store. */
  markDirty(entries: readonly StateEntry[]): void {
    for (const e of entries) this.dirty.add(e);
  }

  /**
   * Restores snapshots taken before a restart. A snapshot of another detector version, of a
   * detector no longer registered, of a device no longer in the site file, or a register that is not
   * two numbers is discarded. Timers already due fire on the first tick.
   */
  restore(snapshots: readonly StateSnapshot[], device: (deviceId: string) => DeviceContext | undefined): { restored: number; discarded: number } {
    const index = new Map(this.detectors.map((d, i) => [d.id, i]));
    const entries = new Set<StateEntry>();
    let restored = 0;
    let discarded = 0;
    for (const s of snapshots) {
      const ctx = device(s.deviceId);
      const onDevice = s.stateKey === s.deviceId || s.stateKey === s.deviceId + DRILL_SUFFIX;
      if (s.detectorId === REGISTER_SNAPSHOT.detectorId) {
        const register = s.state as Partial<RegisterState> | null;
        if (ctx === undefined || !onDevice || s.version !== REGISTER_SNAPSHOT.version || !isRegister(register)) {
          discarded++;
          continue;
        }
        const entry = this.devices.get(s.stateKey) ?? this.addDeviceEntry(s.stateKey, ctx);
        entry.total = register.total;
        entry.ts = register.ts;
        entry.last = lastBreakOf(register);
        entries.add(entry);
        restored++;
        continue;
      }
      const detectorIndex = index.get(s.detectorId);
      if (detectorIndex === undefined || ctx === undefined || this.detectors[detectorIndex]?.version !== s.version) {
        discarded++;
        continue;
      }
      const entry = onDevice
        ? (this.devices.get(s.stateKey) ?? this.addDeviceEntry(s.stateKey, ctx))
        : (this.keyedEntry(detectorIndex, s.stateKey) ?? this.addKeyedEntry(detectorIndex, s.stateKey, ctx));
      this.put(entry, detectorIndex, s.state);
      entries.add(entry);
      restored++;
    }
    for (const entry of entries) this.timers.schedule(entry, this.wakeOf(entry));
    return { restored, discarded };
  }
}

/** A register as snapshotted: flat, `{ total, ts }` plus its last discontinuity when it had one. */
const registerRow = (entry: StateEntry) => {
  const last = entry.last;
  return last === undefined
    ? { total: entry.total, ts: entry.ts }
    : { total: entry.total, ts: entry.ts, lastKind: last.kind, lastFrom: last.from, lastTo: last.to, lastAt: last.at };
};

const BREAK_KINDS: ReadonlySet<string> = new Set<BreakKind>(['reset', 'replacement', 'rollover', 'backwards', 'jump', 'catch-up']);

function lastBreakOf(row: Record<string, unknown>): RegisterBreak | undefined {
  const { lastKind, lastFrom, lastTo, lastAt } = row;
  if (typeof lastKind !== 'string' || !BREAK_KINDS.has(lastKind)) return undefined;
  if (!Number.isFinite(lastFrom) || !Number.isFinite(lastTo) || !Number.isFinite(lastAt)) return undefined;
  return { kind: lastKind as BreakKind, from: lastFrom as number, to: lastTo as number, at: lastAt as number };
}

const rowsOf = (entry: StateEntry): number => entry.slots.length + (entry.ts === 0 ? 0 : 1);

const isRegister = (value: Partial<RegisterState> | null): value is RegisterState & Record<string, unknown> =>
  typeof value === 'object' && value !== null && Number.isFinite(value.total) && Number.isFinite(value.ts) && (value.ts as number) > 0;
