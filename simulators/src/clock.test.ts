import { describe, expect, it } from 'vitest';
import { anchoredStart, createSimClock, MAX_ACCELERATED_LOOKBACK_MS } from './clock.ts';

const WALL = Date.UTC(2026, 10, 25, 2, 0, 0);
const MIN = 60_000;

describe(createSimClock.name, () => {
  it('runs in step with the wall clock at speed 1', () => {
    let wall = WALL;
    const sut = createSimClock({ speed: 1, wallStart: WALL, wallNow: () => wall });
    wall += 5 * MIN;
    expect(sut.now()).toBe(WALL + 5 * MIN);
    expect(sut.wallDelayUntil(WALL + 6 * MIN)).toBe(MIN);
  });

  it('plays a day in ten minutes at speed 144 and ends at the wall clock, never ahead of it', () => {
    let wall = WALL;
    const simStart = anchoredStart(WALL, 144, 10 * MIN);
    const sut = createSimClock({ speed: 144, simStart, wallStart: WALL, wallNow: () => wall });
    expect(WALL - simStart).toBe(143 * 10 * MIN);
    wall = WALL + 5 * MIN;
    expect(sut.now()).toBe(simStart + 12 * 60 * MIN);
    expect(sut.now()).toBeLessThan(wall);
    wall = WALL + 10 * MIN;
    expect(sut.now()).toBe(wall);
    expect(sut.wallDelayUntil(sut.now() + 144 * MIN)).toBe(144 * MIN);
  });

  it('goes on at real speed once it has caught up with the wall clock', () => {
    let wall = WALL;
    const sut = createSimClock({ speed: 60, simStart: WALL - 59 * MIN, wallStart: WALL, wallNow: () => wall });
    expect(sut.wallDelayUntil(WALL - 29 * MIN)).toBe(30_000);
    wall = WALL + 2 * MIN;
    expect(sut.now()).toBe(wall);
  });

  it.each([0.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses speed %s', (speed) => {
    expect(() => createSimClock({ speed, wallStart: WALL, wallNow: () => WALL })).toThrow(/speed/);
  });

  it('refuses an accelerated clock that would start in the future', () => {
    expect(() => createSimClock({ speed: 10, simStart: WALL + 1, wallStart: WALL, wallNow: () => WALL })).toThrow(/before the wall clock/);
  });
});

describe(anchoredStart.name, () => {
  it('refuses runs that would reach further back than the ingest trusts device clocks, naming the longest that fits', () => {
    expect(() => anchoredStart(WALL, 1000, 10 * MIN)).toThrow(/at most 518 s/);
    expect(WALL - anchoredStart(WALL, 1000, 518_000)).toBeLessThanOrEqual(MAX_ACCELERATED_LOOKBACK_MS);
  });
});
