import {
  type AnyDetector,
  type DetectorEvent,
  type DeviceContext,
  detectors,
  type MeterStep,
  type OccupancyStatus,
  type Reading,
  type ReadingBody,
} from '@dutyroom/domain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDetectorRunner, type DetectorRunner } from './detector-runner.ts';
import { REGISTER_SNAPSHOT, type StateEntry, type StateSnapshot } from './detector-states.ts';
import { createConfigResolver } from './rule-config.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0); // 10:00 in Shanghai
const MIN = 60_000;

function meter(occupancy: OccupancyStatus, options: { id?: string; heartbeatSeconds?: number; custodySince?: string } = {}): DeviceContext {
  const id = options.id ?? 'wm-1';
  return {
    siteId: 'demo',
    device: { id, kind: 'water-meter', ...(options.heartbeatSeconds ? { heartbeatSeconds: options.heartbeatSeconds } : {}) },
    kind: 'water-meter',
    unit: {
      id: '3-1-1202',
      buildingId: '3',
      unitType: 'high-rise',
      floor: 12,
      occupancy,
      keyHeld: false,
      gridId: 'g3',
      ...(options.custodySince ? { occupancySince: options.custodySince } : {}),
    },
    areaId: undefined,
    buildingId: '3',
    gridId: 'g3',
    timezone: 'Asia/Shanghai',
  };
}

let sequence = 0;
function reading(device: DeviceContext, ts: number, body: ReadingBody, drill = false): Reading {
  sequence += 1;
  return { siteId: 'demo', deviceId: device.device.id, ts, deviceTs: ts, receivedAt: ts, drill, idempotencyKey: `k${sequence}`, ...body };
}
const water = (value: number): ReadingBody => ({ kind: 'water.total', value });

function runner(registry: readonly AnyDetector[] = detectors, devices: DeviceContext[] = []) {
  const errors: string[] = [];
  const breaks: string[] = [];
  const sut = createDetectorRunner({
    detectors: registry,
    configFor: createConfigResolver({ rules: {}, rulesByUnitType: {} }, registry),
    site: { device: (id) => devices.find((d) => d.device.id === id) },
    onError: (detector, error) => errors.push(`${detector.id}: ${String(error)}`),
    onBreak: (device, mark) => breaks.push(`${device.device.id} ${mark.kind} ${mark.from}→${mark.to}`),
  });
  return { sut, errors, breaks };
}

/** Rule ids of a reading's findings, `-` for none. */
const rulesOf = (sut: DetectorRunner, r: Reading, device: DeviceContext): string =>
  sut
    .onReading(r, device)
    ?.events.map((e) => `${e.type} ${e.rule}`)
    .join(' | ') ?? '-';

/** Ids of the detectors holding a state for the device. */
const held = (sut: DetectorRunner, key: string): string[] => detectors.filter((_, i) => sut.states.deviceEntry(key)?.stateOf(i) !== undefined).map((d) => d.id);

/** A detector that records the meter step it is handed; `from` makes its state start late. */
function probe(id: string, seen: string[], from = 0): AnyDetector {
  return {
    id,
    version: 1,
    rules: [id],
    appliesTo: ['water.total'],
    configSchema: z.object({}),
    stateKey: (r, device) => (r.ts >= from ? device.device.id : undefined),
    initialState: () => ({ n: 0 }),
    onReading(state: { n: number }, _r: Reading, { meter: step }: { meter?: MeterStep }) {
      state.n++;
      seen.push(`${id} ${step?.kind} ${step?.from}→${step?.total}`);
      return [] as DetectorEvent[];
    },
  };
}

describe('createDetectorRunner', () => {
  it('steps ONE register per meter per reading, and every meter rule judges the same step', () => {
    const seen: string[] = [];
    const device = meter('occupied');
    // b starts watching only at the third reading: it still judges from the meter's baseline, not from nothing.
    const { sut } = runner([probe('a', seen), probe('b', seen, T0 + 2 * MIN)]);
    for (const [ts, total] of [
      [T0, 100],
      [T0 + MIN, 100.01],
      [T0 + 2 * MIN, 100.02],
      [T0 + 2 * MIN, 100.02],
      [T0 + MIN, 99],
    ] as const)
      sut.onReading(reading(device, ts, water(total)), device);
    expect(seen).toEqual([
      'a first 0→100',
      'a step 100→100.01',
      'a step 100.01→100.02',
      'b step 100.01→100.02',
      'a duplicate 100.02→100.02',
      'b duplicate 100.02→100.02',
      'a late 100.02→99', // b's key skips a reading from before it started watching
    ]);
    expect(sut.states.deviceEntry('wm-1')).toMatchObject({ total: 100.02, ts: T0 + 2 * MIN });
  });

  it('a replaced meter is re-based: no finding, consumption for no rule, a `replacement` break; use after it counts', () => {
    const device = meter('vacant');
    const { sut, errors, breaks } = runner();
    const lines = (
      [
        [T0, 100],
        [T0 + 5 * MIN, 100.004],
        [T0 + 10 * MIN, 3],
        [T0 + 15 * MIN, 3.02],
      ] as const
    ).map(([ts, total]) => rulesOf(sut, reading(device, ts, water(total)), device));
    expect(lines).toEqual(['-', '-', '-', 'raise vacant-unit-water']);
    expect(breaks).toEqual(['wm-1 replacement 100.004→3']);
    expect(errors).toEqual([]);
  });

  it('classifies every register break once per reading, keeps the last on the register and snapshots it', () => {
    const device = meter('occupied');
    const { sut, breaks } = runner();
    const lines = (
      [
        [T0, 100.5],
        [T0 + MIN, 100.2], // kept reporting, a small step back: the one counter-backwards
        [T0 + 2 * MIN, 0.01], // a reboot: back at ~0
        [T0 + 8 * 60 * MIN, 0.5], // a catch-up after a gap, plausible: consumption
        [T0 + 8 * 60 * MIN + MIN, 90], // a jump
      ] as const
    ).map(([ts, total]) => rulesOf(sut, reading(device, ts, water(total)), device));
    expect(lines).toEqual(['-', 'raise counter-backwards', '-', '-', 'raise meter-jump']);
    expect(breaks).toEqual(['wm-1 backwards 100.5→100.2', 'wm-1 reset 100.2→0.01', 'wm-1 catch-up 0.01→0.5', 'wm-1 jump 0.5→90']);
    const rows = sut.states.snapshotsOf(sut.states.takeDirty());
    const register = rows.find((r) => r.detectorId === REGISTER_SNAPSHOT.detectorId);
    expect(register?.state).toEqual({ total: 90, ts: T0 + 481 * MIN, lastKind: 'jump', lastFrom: 0.5, lastTo: 90, lastAt: T0 + 481 * MIN });
    const { sut: restarted } = runner();
    restarted.states.restore(JSON.parse(JSON.stringify(rows)), () => device);
    expect(restarted.states.deviceEntry('wm-1')?.last).toEqual({ kind: 'jump', from: 0.5, to: 90, at: T0 + 481 * MIN });
  });

  it('holds no state for a rule whose state is still its initial one (custody outside custody, meter-register)', () => {
    const occupied = meter('occupied', { heartbeatSeconds: 900 });
    const { sut } = runner();
    sut.onReading(reading(occupied, T0, water(100)), occupied);
    sut.onReading(reading(occupied, T0 + MIN, water(100.001)), occupied);
    const before = held(sut, 'wm-1');
    expect(before).not.toContain('custody-allowance');
    expect(before).not.toContain('meter-register');
    expect(before).toEqual(expect.arrayContaining(['vacant-unit-water', 'continuous-flow', 'device-offline']));
    expect(sut.states.size).toBe(before.length);

    const custody = meter('custody', { heartbeatSeconds: 900, custodySince: '2026-11-01' });
    sut.onReading(reading(custody, T0 + 2 * MIN, water(100.002)), custody);
    expect(held(sut, 'wm-1')).toContain('custody-allowance');
  });

  it('keeps one timer per device, and a drill entry never runs liveness timers', () => {
    const device = meter('occupied', { heartbeatSeconds: 60 });
    const { sut } = runner(detectors, [device]);
    sut.onReading(reading(device, T0, water(100)), device);
    sut.onReading(reading(device, T0, water(100), true), device);
    expect(sut.states.timers.size).toBe(1);
    const found: string[] = [];
    sut.tick(T0 + 3 * MIN, (entry, events) => found.push(...events.map((e) => `${entry.key} ${e.type} ${e.rule}`)));
    expect(found).toEqual(['wm-1 raise device-offline']);
  });

  it('snapshots the compact form as rows per rule plus the register; a restarted runner goes on as if never stopped', () => {
    const device = meter('vacant', { heartbeatSeconds: 900 });
    const first = (
      [
        [T0, 100],
        [T0 + 5 * MIN, 100.004],
      ] as const
    ).map(([ts, total]) => reading(device, ts, water(total)));
    const next = (
      [
        [T0 + 10 * MIN, 100.012],
        [T0 + 15 * MIN, 100.013],
      ] as const
    ).map(([ts, total]) => reading(device, ts, water(total)));

    const { sut: kept } = runner();
    const { sut: stopped } = runner();
    for (const r of first) {
      kept.onReading(r, device);
      stopped.onReading(r, device);
    }
    const rows: StateSnapshot[] = JSON.parse(JSON.stringify(stopped.states.snapshotsOf(stopped.states.takeDirty())));
    expect(rows.find((r) => r.detectorId === REGISTER_SNAPSHOT.detectorId)).toMatchObject({ stateKey: 'wm-1', state: { total: 100.004, ts: T0 + 5 * MIN } });
    expect(rows.map((r) => r.detectorId)).not.toContain('meter-register');

    const { sut: restarted } = runner();
    expect(restarted.states.restore(rows, (id) => (id === 'wm-1' ? device : undefined))).toEqual({ restored: rows.length, discarded: 0 });
    expect(restarted.states.timers.size).toBe(1);
    const a = next.map((r) => rulesOf(kept, r, device));
    const b = next.map((r) => rulesOf(restarted, r, device));
    expect(b).toEqual(a);
    expect(a).toEqual(['raise vacant-unit-water', 'raise vacant-unit-water']);
    const rowsOf = (sut: DetectorRunner) => sut.states.snapshotsOf(sut.states.takeDirty());
    expect(rowsOf(restarted)).toEqual(rowsOf(kept));
  });

  it('resume: registers and liveness from the newest stored readings; the ingest’s absence fires no offline timer', () => {
    const kept = meter('occupied', { heartbeatSeconds: 300 });
    const fresh = meter('occupied', { id: 'wm-2', heartbeatSeconds: 300 });
    const { sut: before } = runner(detectors, [kept, fresh]);
    before.onReading(reading(kept, T0, water(100)), kept);
    const rows: StateSnapshot[] = JSON.parse(JSON.stringify(before.states.snapshotsOf(before.states.takeDirty())));
    const { sut } = runner(detectors, [kept, fresh]);
    sut.states.restore(rows, (id) => [kept, fresh].find((d) => d.device.id === id));
    // The snapshot is older than the last stored readings (a crash); the ingest was down 2 hours.
    const stopped = T0 + 10 * MIN;
    const startedAt = stopped + 120 * MIN;
    const moved = sut.resume({
      startedAt,
      listeningUntil: stopped,
      devices: new Map([
        ['wm-1', { ts: stopped, total: 100.2, totalTs: stopped }],
        ['wm-2', { ts: stopped - MIN, total: 7, totalTs: stopped - MIN }],
      ]),
    });
    expect(moved).toBe(2);
    expect(sut.states.deviceEntry('wm-1')).toMatchObject({ total: 100.2, ts: stopped, wakeAt: startedAt + 15 * MIN });
    expect(sut.states.deviceEntry('wm-2')).toMatchObject({ total: 7, ts: stopped - MIN, wakeAt: startedAt + 14 * MIN });
    const ticked: string[] = [];
    sut.tick(startedAt + 5 * MIN, (_entry, events) => ticked.push(...events.map((e) => e.rule)));
    expect(ticked).toEqual([]);
    // The meters continue from their registers: nothing but consumption.
    expect(rulesOf(sut, reading(kept, startedAt + 6 * MIN, water(100.3)), kept)).toBe('-');
    expect(rulesOf(sut, reading(fresh, startedAt + 6 * MIN, water(7.1)), fresh)).toBe('-');
    // Silence after the start is heard as ever: offline a window after each meter's last reading.
    sut.tick(startedAt + 15 * MIN, (_entry, events) => ticked.push(...events.map((e) => e.rule)));
    expect(ticked).toEqual([]);
    sut.tick(startedAt + 6 * MIN + 15 * MIN, (entry, events) => ticked.push(...events.map((e) => `${e.rule} ${entry.key}`)));
    expect(ticked.sort()).toEqual(['device-offline wm-1', 'device-offline wm-2']);
  });

  it('discards a state of another version, a register that is not two numbers and a removed device', () => {
    const device = meter('vacant');
    const { sut: before } = runner();
    before.onReading(reading(device, T0, water(100)), device);
    const rows = before.states.snapshotsOf(before.states.takeDirty());
    const stale = rows.map((r) => (r.detectorId === 'vacant-unit-water' ? { ...r, version: r.version - 1 } : r));
    const broken = { ...REGISTER_SNAPSHOT, stateKey: 'wm-2', deviceId: 'wm-2', state: { total: '100' }, wakeAt: undefined };
    const removed = { ...(rows[0] as StateSnapshot), stateKey: 'wm-gone', deviceId: 'wm-gone' };

    const { sut } = runner();
    const lookup = (id: string) => (id === 'wm-1' ? device : id === 'wm-2' ? meter('vacant', { id: 'wm-2' }) : undefined);
    expect(sut.states.restore([...stale, broken, removed], lookup)).toEqual({ restored: rows.length - 1, discarded: 3 });
    expect(held(sut, 'wm-1')).not.toContain('vacant-unit-water');
    expect(sut.states.deviceEntry('wm-1')).toMatchObject({ total: 100, ts: T0 });
    expect(sut.states.deviceEntry('wm-2')).toBeUndefined();
  });

  it('bounds a snapshot by rows, not entries: a meter is one row per state plus its register', () => {
    const a = meter('vacant', { id: 'wm-a' });
    const b = meter('vacant', { id: 'wm-b' });
    const { sut } = runner();
    sut.onReading(reading(a, T0, water(100)), a);
    sut.onReading(reading(b, T0, water(100)), b);
    const perMeter = sut.states.snapshotsOf([sut.states.deviceEntry('wm-a') as StateEntry]).length;
    expect(perMeter).toBeGreaterThan(2);
    expect(sut.states.takeDirty(perMeter + 1).map((e) => e.key)).toEqual(['wm-a']);
    // One entry is taken even when it alone is over the limit: a snapshot always makes progress.
    expect(sut.states.takeDirty(1).map((e) => e.key)).toEqual(['wm-b']);
    expect(sut.states.dirtyCount).toBe(0);
  });

  it('splits a snapshot into writes of at most N rows, never splitting a meter', () => {
    const devices = ['wm-a', 'wm-b', 'wm-c'].map((id) => meter('vacant', { id }));
    const { sut } = runner();
    for (const d of devices) sut.onReading(reading(d, T0, water(100)), d);
    const entries = sut.states.takeDirty();
    const perMeter = sut.states.snapshotsOf([entries[0] as StateEntry]).length;
    const chunks = sut.states.chunkByRows(entries, 2 * perMeter);
    expect(chunks.map((c) => c.map((e) => e.key))).toEqual([['wm-a', 'wm-b'], ['wm-c']]);
    // A meter over the limit on its own is still written, alone.
    expect(sut.states.chunkByRows(entries, 1).map((c) => c.length)).toEqual([1, 1, 1]);
  });

  it('a timer whose onTick throws is reported once and waits for the next reading; the others still run', () => {
    const ticking = (id: string, fail: boolean): AnyDetector => ({
      ...probe(id, []),
      initialState: () => ({ dueAt: 0 }),
      onReading: (state: { dueAt: number }, r: Reading) => {
        state.dueAt = r.ts + MIN;
        return [];
      },
      wakeAt: (state: { dueAt: number }) => (state.dueAt === 0 ? undefined : state.dueAt),
      onTick: (state: { dueAt: number }) => {
        if (fail) throw new Error('bug');
        state.dueAt = 0;
        return [{ type: 'clear', rule: id, subject: 'x', closesWorkOrder: false }];
      },
    });
    const device = meter('occupied');
    const { sut, errors } = runner([ticking('broken', true), ticking('fine', false)], [device]);
    sut.onReading(reading(device, T0, water(100)), device);
    const found: string[] = [];
    for (let s = 1; s <= 5; s++) sut.tick(T0 + MIN + s * 1000, (_entry, events) => found.push(...events.map((e) => e.rule)));
    expect(found).toEqual(['fine']);
    expect(errors).toEqual(['broken: Error: bug']);
    sut.onReading(reading(device, T0 + 2 * MIN, water(100)), device);
    sut.tick(T0 + 3 * MIN, () => undefined);
    expect(errors).toHaveLength(2);
  });

  it('a detector that throws is reported; the others still run', () => {
    const seen: string[] = [];
    const broken: AnyDetector = {
      ...probe('broken', []),
      onReading: () => {
        throw new Error('bug');
      },
    };
    const device = meter('occupied');
    const { sut, errors } = runner([broken, probe('a', seen)]);
    sut.onReading(reading(device, T0, water(100)), device);
    expect(errors).toEqual(['broken: Error: bug']);
    expect(seen).toEqual(['a first 0→100']);
  });
});
