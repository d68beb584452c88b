import { describe, expect, it } from 'vitest';
import { nightFlow as sut } from './night-flow.ts';
import { HOUR, MIN, play, type Step, unitDevice } from './testing.ts';

const config = sut.configSchema.parse({});
/** 02:00 on 25 Nov 2026 in Asia/Shanghai. */
const NIGHT = Date.parse('2026-11-24T18:00:00Z');
const R = 'raise night-flow 3-1-1202 P2';
const C = 'clear night-flow 3-1-1202 stays';
const flow = (value: number) => ({ kind: 'water.flow', value }) as const;

/** Register readings every `every` ms from `from` to `to`, water running at `litresPerHour(ts)`. */
function series(from: number, to: number, every: number, litresPerHour: (ts: number) => number, start = 100): Step[] {
  const steps: Step[] = [];
  let total = start;
  for (let ts = from; ts <= to; ts += every) {
    steps.push([ts, { kind: 'water.total', value: Math.round(total * 1e6) / 1e6 }]);
    total += (litresPerHour(ts) * every) / HOUR / 1000;
  }
  return steps;
}

const nonDash = (lines: string[]) => lines.filter((l) => l !== '-');

describe(sut.id, () => {
  it('SPEC §5 夜间流量: water never stopping between 02:00 and 04:00 (Asia/Shanghai) raises P2 once the window ends', () => {
    const steps = series(NIGHT - 30 * MIN, NIGHT + 2 * HOUR + 15 * MIN, 15 * MIN, () => 8);
    const { lines } = play(sut, config, unitDevice('water-meter', { occupancy: 'occupied' }), steps);
    expect(nonDash(lines)).toEqual([R]);
    // Judged by the first reading at or after 04:00 local.
    expect(lines[steps.findIndex(([ts]) => ts >= NIGHT + 2 * HOUR)]).toBe(R);
  });

  it('one quiet quarter of an hour in the night is a minimum of zero: no finding', () => {
    const steps = series(NIGHT - 30 * MIN, NIGHT + 2 * HOUR + 15 * MIN, 15 * MIN, (ts) => (ts >= NIGHT + HOUR && ts < NIGHT + HOUR + 15 * MIN ? 0 : 8));
    expect(nonDash(play(sut, config, unitDevice('water-meter'), steps).lines)).toEqual([]);
  });

  it('heavy use in the evening and the morning does not count; only the night window does', () => {
    const steps = series(NIGHT - 3 * HOUR, NIGHT + 5 * HOUR, 15 * MIN, (ts) => (ts >= NIGHT && ts < NIGHT + 2 * HOUR ? 0 : 200));
    expect(nonDash(play(sut, config, unitDevice('water-meter'), steps).lines)).toEqual([]);
  });

  it('meter creep below minLitresPerHour (2 L/h) is resolution noise', () => {
    const steps = series(NIGHT - 30 * MIN, NIGHT + 2 * HOUR + 15 * MIN, 15 * MIN, () => 1.5);
    expect(nonDash(play(sut, config, unitDevice('water-meter'), steps).lines)).toEqual([]);
  });

  it('a leaking night, then a dry night: raise, then clear (the order stays for the inspection)', () => {
    const leaking = series(NIGHT - 30 * MIN, NIGHT + 2 * HOUR + 15 * MIN, 15 * MIN, () => 8);
    const dry = series(NIGHT + 24 * HOUR - 30 * MIN, NIGHT + 26 * HOUR + 15 * MIN, 15 * MIN, () => 0, 100.02);
    expect(nonDash(play(sut, config, unitDevice('water-meter'), [...leaking, ...dry]).lines)).toEqual([R, C]);
  });

  it('a meter that falls silent after the window is judged by the tick at the window’s end', () => {
    const steps: Step[] = [...series(NIGHT, NIGHT + 110 * MIN, 10 * MIN, () => 10), [NIGHT + 2 * HOUR - 1, 'tick'], [NIGHT + 2 * HOUR, 'tick']];
    expect(play(sut, config, unitDevice('water-meter'), steps).lines.slice(-2)).toEqual(['-', R]);
  });

  it('night window 23:00–05:00 crossing midnight in Asia/Shanghai (15:00–21:00 UTC)', () => {
    const crossing = sut.configSchema.parse({ startHour: 23, endHour: 5 });
    const eleven = Date.parse('2026-11-24T15:00:00Z');
    const steps = series(eleven - HOUR, eleven + 6 * HOUR + 30 * MIN, 15 * MIN, () => 6);
    const { lines, events } = play(sut, crossing, unitDevice('water-meter'), steps);
    expect(nonDash(lines)).toEqual([R]);
    expect(lines[steps.findIndex(([ts]) => ts >= eleven + 6 * HOUR)]).toBe(R);
    expect(events.flat()[0]).toMatchObject({ evidence: { night: '2026-11-24', window: '23:00-5:00' } });
  });

  it('crossing midnight: a dry quarter after midnight breaks the night’s minimum', () => {
    const crossing = sut.configSchema.parse({ startHour: 23, endHour: 5 });
    const eleven = Date.parse('2026-11-24T15:00:00Z');
    const steps = series(eleven - HOUR, eleven + 6 * HOUR + 30 * MIN, 15 * MIN, (ts) => (ts >= eleven + 90 * MIN && ts < eleven + 105 * MIN ? 0 : 6));
    expect(nonDash(play(sut, crossing, unitDevice('water-meter'), steps).lines)).toEqual([]);
  });

  it('flow sensors: the lowest reading in the window is the minimum night flow', () => {
    const steady: Step[] = [
      [NIGHT + 10 * MIN, flow(0.01)],
      [NIGHT + HOUR, flow(0.004)],
      [NIGHT + 2 * HOUR + MIN, flow(0.02)],
    ];
    expect(play(sut, config, unitDevice('water-meter'), steady).lines).toEqual(['-', '-', R]);
    const stops: Step[] = [
      [NIGHT + 10 * MIN, flow(0.01)],
      [NIGHT + HOUR, flow(0)],
      [NIGHT + 2 * HOUR + MIN, flow(0.02)],
    ];
    expect(play(sut, config, unitDevice('water-meter'), stops).lines).toEqual(['-', '-', '-']);
  });

  it('a night with too few readings to measure gives no verdict either way', () => {
    const steps: Step[] = [
      [NIGHT + 30 * MIN, { kind: 'water.total', value: 100 }],
      [NIGHT + 2 * HOUR + 30 * MIN, { kind: 'water.total', value: 100.5 }],
    ];
    expect(play(sut, config, unitDevice('water-meter'), steps).lines).toEqual(['-', '-']);
  });
});
