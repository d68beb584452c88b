import { describe, expect, it } from 'vitest';
import { continuousFlow as sut } from './continuous-flow.ts';
import { areaDevice, HOUR, MIN, play, type Step, T0, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
const total = (value: number) => ({ kind: 'water.total', value }) as const;
const flow = (value: number) => ({ kind: 'water.flow', value }) as const;
const R = 'raise continuous-flow 3-1-1202 P2';
const C = 'clear continuous-flow 3-1-1202 stays';

/** A register advancing `litresPerReading` every `everyMinutes` from `from` for `hours`. */
const running = (from: number, hours: number, litresPerReading: number, everyMinutes = 10, start = 100): Step[] =>
  Array.from({ length: (hours * 60) / everyMinutes + 1 }, (_, i) => [from + i * everyMinutes * MIN, total(start + (i * litresPerReading) / 1000)] as const);

describe(sut.id, () => {
  it('SPEC §5 持续流量: a register that never stands still for 4 hours raises P2 (any occupancy)', () => {
    const lines = play(sut, config, unitDevice('water-meter', { occupancy: 'occupied' }), running(T0, 4, 2)).lines;
    expect(lines.at(-1)).toBe(R);
    expect(lines.slice(0, -1).every((l) => l === '-')).toBe(true);
  });

  it.each<[string, Step[], string[]]>([
    [
      'a pause of 15 minutes is a return to zero: the count starts again (2 h + pause + 2.5 h never raises)',
      [...running(T0, 2, 2), [T0 + 2 * HOUR + 20 * MIN, total(100.024)], ...running(T0 + 2 * HOUR + 30 * MIN, 2.5, 2, 10, 100.026)],
      Array.from({ length: 13 + 1 + 16 }, () => '-'),
    ],
    [
      'flow readings: never zero for 4 hours raises; a zero reading clears (the order stays: why did it run?)',
      [
        [T0, flow(0.01)],
        [T0 + 2 * HOUR, flow(0.02)],
        [T0 + 4 * HOUR, flow(0.01)],
        [T0 + 5 * HOUR, flow(0.01)],
        [T0 + 5 * HOUR + MIN, flow(0)],
      ],
      ['-', '-', R, '-', C],
    ],
    [
      'a catch-up after a silence (meter, gateway or ingest away 8 h) is no proof of a run: it starts at the catch-up',
      [
        [T0, total(100)],
        [T0 + 8 * HOUR, total(100.5)],
        [T0 + 8 * HOUR + 10 * MIN, total(100.5)],
        [T0 + 8 * HOUR + 30 * MIN, total(100.5)],
      ],
      ['-', '-', '-', '-'],
    ],
    [
      'a late flow reading changes nothing',
      [
        [T0, flow(0.01)],
        [T0 + 4 * HOUR, flow(0.01)],
        [T0 + HOUR, flow(0)],
      ],
      ['-', R, '-'],
    ],
  ])('%s', (_title, steps, expected) => {
    expect(play(sut, config, unitDevice('water-meter'), steps).lines).toEqual(expected);
  });

  it('a register standing still for quietMinutes after the raise clears it', () => {
    const steps: Step[] = [...running(T0, 4, 2), [T0 + 4 * HOUR + 20 * MIN, total(100.048)]];
    expect(play(sut, config, unitDevice('water-meter'), steps).lines.slice(-2)).toEqual([R, C]);
  });

  it('a pause shorter than quietMinutes does not end the run', () => {
    const steps: Step[] = [
      [T0, total(100)],
      [T0 + 2 * HOUR, total(100.5)],
      [T0 + 2 * HOUR + 10 * MIN, total(100.5)],
      [T0 + 4 * HOUR, total(101)],
    ];
    expect(play(sut, config, unitDevice('water-meter'), steps).lines).toEqual(['-', '-', '-', R]);
  });

  it('public meters (no unit) are named by the device', () => {
    expect(play(sut, config, areaDevice('water-meter', 'wm-main'), running(T0, 4, 100)).lines.at(-1)).toBe('raise continuous-flow wm-main P2');
  });

  it('hours are configurable (rulesByUnitType: villas with irrigation)', () => {
    const villa = sut.configSchema.parse({ hours: 8 });
    expect(play(sut, villa, unitDevice('water-meter', { unitType: 'villa' }), running(T0, 4, 2)).lines.every((l) => l === '-')).toBe(true);
  });
});
