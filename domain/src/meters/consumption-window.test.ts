import { describe, expect, it } from 'vitest';
import { addToWindow, type ConsumptionWindowState, emptyConsumptionWindow } from './consumption-window.ts';
import { emptyRegister, stepRegister } from './register.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);
const MIN = 60_000;
const window = { minutes: 60, slots: 6 };
const options = { rollover: 1_000_000, maxPerHour: 50 };

/** The meter's register is the ingest's, shared by every rule: here one per run. */
function meter() {
  const register = emptyRegister();
  return (state: ConsumptionWindowState, total: number, ts: number) => addToWindow(state, stepRegister(register, total, ts), window, options);
}

function run(steps: readonly [number, number][]) {
  const state = emptyConsumptionWindow();
  const add = meter();
  return steps.map(([ts, total]) => add(state, total, ts).inWindow);
}

describe(addToWindow.name, () => {
  it('keeps at most slots + 2 samples, whatever the reading rate', () => {
    const state = emptyConsumptionWindow();
    const add = meter();
    for (let i = 0; i < 2880; i++) add(state, 100 + i * 0.001, T0 + i * 30_000);
    // Flat [age, used] pairs.
    expect(state.marks.length / 2).toBeLessThanOrEqual(window.slots + 2);
  });

  it.each<[string, [number, number][], (number | undefined)[]]>([
    [
      'consumption accumulates inside the window',
      [
        [T0, 100],
        [T0 + 10 * MIN, 100.01],
        [T0 + 20 * MIN, 100.03],
      ],
      [0, 0.01, 0.03],
    ],
    [
      'what ran more than a window ago drops out, a slot at a time',
      [
        [T0, 100],
        [T0 + 5 * MIN, 100.05],
        [T0 + 50 * MIN, 100.05],
        [T0 + 80 * MIN, 100.05],
      ],
      [0, 0.05, 0.05, 0],
    ],
    [
      'a reset contributes nothing; consumption after it counts',
      [
        [T0, 100],
        [T0 + 5 * MIN, 0.5],
        [T0 + 10 * MIN, 0.51],
      ],
      [0, 0, 0.01],
    ],
    [
      'late and duplicate readings say nothing',
      [
        [T0, 100],
        [T0 + 5 * MIN, 100.01],
        [T0 + 5 * MIN, 100.01],
        [T0 + 2 * MIN, 100.5],
      ],
      [0, 0.01, undefined, undefined],
    ],
    [
      'after 3 hours offline, 30 L counts as the window’s share: 10 L',
      [
        [T0, 100],
        [T0 + 180 * MIN, 100.03],
      ],
      [0, 0.01],
    ],
    [
      'LoRa meters an hour apart: each window holds one hour of use, never two',
      [
        [T0, 100],
        [T0 + 60 * MIN, 100.04],
        [T0 + 120 * MIN, 100.08],
        [T0 + 180 * MIN, 100.12],
      ],
      [0, 0.04, 0.04, 0.04],
    ],
    [
      'use between two readings is spread evenly: half of a two-hour step falls in the last hour',
      [
        [T0, 100],
        [T0 + 120 * MIN, 100.02],
      ],
      [0, 0.01],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(run(steps)).toEqual(expected);
  });
});
