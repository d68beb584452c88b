import { describe, expect, it } from 'vitest';
import { emptyRegister, stepRegister } from '../meters/register.ts';
import type { Reading } from '../model/reading.ts';
import type { DeviceContext, UnitContext } from '../site/site-index.ts';
import type { OccupancyStatus } from '../site/site-schema.ts';
import { vacantUnitWater as sut } from './vacant-unit-water.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);
const MIN = 60_000;
const config = sut.configSchema.parse({});

function device(occupancy: OccupancyStatus): DeviceContext {
  const unit: UnitContext = { id: '3-1-1202', buildingId: '3', unitType: 'high-rise', floor: 12, occupancy, keyHeld: false, gridId: 'g3' };
  return { siteId: 'demo', device: { id: 'wm-3-1-1202', kind: 'water-meter' }, kind: 'water-meter', unit, areaId: undefined, buildingId: '3', gridId: 'g3' };
}

const reading = (ts: number, totalM3: number): Reading => ({
  siteId: 'demo',
  deviceId: 'wm-3-1-1202',
  kind: 'water.total',
  value: totalM3,
  ts,
  deviceTs: ts,
  receivedAt: ts,
  drill: false,
  idempotencyKey: `k${ts}`,
});

/** The pipeline's context: the meter's one register (shared by every meter rule) steps first. */
function contexts(occupancy: OccupancyStatus) {
  const register = emptyRegister();
  return (ts: number, total: number) => ({ config, device: device(occupancy), now: ts, meter: stepRegister(register, total, ts) });
}

/** Feeds readings in order and returns the event types per reading. */
function run(occupancy: OccupancyStatus, steps: readonly [number, number][]): string[] {
  const state = sut.initialState(device(occupancy));
  const ctx = contexts(occupancy);
  return steps.map(
    ([ts, total]) =>
      sut
        .onReading(state, reading(ts, total), ctx(ts, total))
        .map((e) => e.type)
        .join(',') || '-',
  );
}

describe(sut.id, () => {
  it.each<[string, OccupancyStatus, [number, number][], string[]]>([
    [
      '社区管家职责: water running in a vacant unit raises once it passes 10 L in the window',
      'vacant',
      [
        [T0, 100],
        [T0 + 5 * MIN, 100.004],
        [T0 + 10 * MIN, 100.012],
      ],
      ['-', '-', 'raise'],
    ],
    [
      '托管: a custody unit is watched the same way',
      'custody',
      [
        [T0, 100],
        [T0 + 5 * MIN, 100.02],
      ],
      ['-', 'raise'],
    ],
    [
      '商铺停业: a closed shop is watched the same way',
      'shop-closed',
      [
        [T0, 100],
        [T0 + 5 * MIN, 100.02],
      ],
      ['-', 'raise'],
    ],
    [
      'an occupied unit may use water',
      'occupied',
      [
        [T0, 100],
        [T0 + 5 * MIN, 101],
      ],
      ['-', '-'],
    ],
    [
      'meter creep below the threshold over a whole window is noise',
      'vacant',
      [
        [T0, 100],
        [T0 + 30 * MIN, 100.004],
        [T0 + 65 * MIN, 100.008],
        [T0 + 125 * MIN, 100.012],
      ],
      ['-', '-', '-', '-'],
    ],
    [
      'a steady leak keeps raising (the store merges repeats) and never flaps',
      'vacant',
      [
        [T0, 100],
        [T0 + 10 * MIN, 100.1],
        [T0 + 20 * MIN, 100.2],
        [T0 + 70 * MIN, 100.7],
        [T0 + 130 * MIN, 101.3],
      ],
      ['-', 'raise', 'raise', 'raise', 'raise'],
    ],
    [
      'once the meter stands still for a window the anomaly clears',
      'vacant',
      [
        [T0, 100],
        [T0 + 10 * MIN, 100.1],
        [T0 + 50 * MIN, 100.1],
        [T0 + 90 * MIN, 100.1],
      ],
      ['-', 'raise', 'raise', 'clear'],
    ],
    [
      'a register that goes backwards (meter replaced) starts afresh instead of raising',
      'vacant',
      [
        [T0, 100],
        [T0 + 5 * MIN, 0.001],
        [T0 + 10 * MIN, 0.002],
      ],
      ['-', '-', '-'],
    ],
    [
      'a late or duplicate reading changes nothing',
      'vacant',
      [
        [T0, 100],
        [T0 + 5 * MIN, 100.005],
        [T0 + 5 * MIN, 100.005],
        [T0 + 2 * MIN, 100.05],
      ],
      ['-', '-', '-', '-'],
    ],
    [
      'CJ/T 188 register wrapping at 999999.99 while water runs: the wrapped litres count',
      'vacant',
      [
        [T0, 999_999.99],
        [T0 + 5 * MIN, 0.01],
      ],
      ['-', 'raise'],
    ],
    [
      'an implausible jump (a misread frame, 50 m³ in 5 minutes) is not water running',
      'vacant',
      [
        [T0, 100],
        [T0 + 5 * MIN, 150],
        [T0 + 10 * MIN, 150.001],
      ],
      ['-', '-', '-'],
    ],
    [
      'after 5 hours offline, 30 L counts as 6 L per hour: below the threshold',
      'vacant',
      [
        [T0, 100],
        [T0 + 300 * MIN, 100.03],
      ],
      ['-', '-'],
    ],
    [
      '装修中 (decorating) is not watched by default',
      'decorating',
      [
        [T0, 100],
        [T0 + 5 * MIN, 100.5],
      ],
      ['-', '-'],
    ],
  ])('%s', (_title, occupancy, steps, expected) => {
    expect(run(occupancy, steps)).toEqual(expected);
  });

  it('names the unit as subject, P2, with the litres as evidence', () => {
    const state = sut.initialState(device('vacant'));
    const ctx = contexts('vacant');
    sut.onReading(state, reading(T0, 5), ctx(T0, 5));
    const [event] = sut.onReading(state, reading(T0 + MIN, 5.025), ctx(T0 + MIN, 5.025));
    expect(event).toMatchObject({
      type: 'raise',
      rule: 'vacant-unit-water',
      subject: '3-1-1202',
      severity: 'P2',
      evidence: { litres: 25, occupancy: 'vacant' },
    });
  });

  it('keeps its state small (≤ 1 KiB as JSON after a day of readings)', () => {
    const state = sut.initialState(device('vacant'));
    const ctx = contexts('vacant');
    for (let i = 0; i < 24 * 60; i++) sut.onReading(state, reading(T0 + i * MIN, 100 + i * 0.0001), ctx(T0 + i * MIN, 100 + i * 0.0001));
    expect(JSON.stringify(state).length).toBeLessThan(1024);
  });
});
