import { describe, expect, it } from 'vitest';
import { generateCommunitySite } from './community.ts';
import { Simulation } from './engine.ts';
import { loadScenarios, parseScenario, previousTimeOfDay, scheduleScenario, stepInstant } from './scenario.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0); // 10:00 in Asia/Shanghai
const MIN = 60_000;
const TZ = 'Asia/Shanghai';

function run(yaml: string, minutes: number) {
  const scenario = parseScenario(yaml, 'test.yaml');
  const sim = new Simulation({ site: generateCommunitySite({ ...scenario.community, siteId: 'sc' }), seed: 1, startTs: T0, ambient: false });
  const steps = scheduleScenario(sim, scenario, T0);
  const emitted = sim.advanceTo(T0 + minutes * MIN);
  return { sim, steps, emitted };
}

describe('shipped scenarios', () => {
  const scenarios = loadScenarios();

  it('ship the seven scenarios of the issue, each with what it must produce', () => {
    expect(scenarios.map((s) => s.name)).toEqual([
      'burst-pipe',
      'door-forced-night',
      'fire-alarm-zone',
      'fire-door-open',
      'gateway-offline',
      'meter-swap',
      'vacant-unit-leak',
    ]);
    // Every scenario raises something but the meter swap, which proves a replaced meter raises nothing (issue 14).
    expect(scenarios.filter((s) => s.expect.anomalies.length === 0).map((s) => s.name)).toEqual(['meter-swap']);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s resolves every step on its own community', (_name, scenario) => {
    const sim = new Simulation({ site: generateCommunitySite({ ...scenario.community, siteId: 'sc' }), seed: 1, startTs: T0, ambient: false });
    const steps = scheduleScenario(sim, scenario, T0);
    expect(steps.every((s) => s.deviceIds.length > 0 && s.at >= T0)).toBe(true);
  });
});

describe(parseScenario.name, () => {
  it('names the field of a wrong step', () => {
    expect(() => parseScenario('name: x\ntitle: X\nduration: 5m\nsteps: [{ at: soon, do: leak, unit: 1-1-101 }]', 'bad.yaml')).toThrow(
      /bad\.yaml: steps\.0\.at/,
    );
    expect(() => parseScenario('name: x\ntitle: X\nduration: 5m\nsteps: [{ at: 1m, do: flood }]', 'bad.yaml')).toThrow(/steps\.0\.do/);
  });
});

describe(stepInstant.name, () => {
  it.each<[string, { offsetMs: number } | { hour: number; minute: number }, number]>([
    ['an offset', { offsetMs: 5 * MIN }, T0 + 5 * MIN],
    ['03:00 local is the next morning from 10:00', { hour: 3, minute: 0 }, T0 + 17 * 60 * MIN],
    ['10:30 local is half an hour ahead', { hour: 10, minute: 30 }, T0 + 30 * MIN],
  ])('%s', (_title, at, expected) => {
    expect(stepInstant(at, T0, TZ)).toBe(expected);
  });

  it('places a run on the most recent 02:50 local', () => {
    expect(previousTimeOfDay(T0 + 123, '02:50', TZ)).toBe(T0 - (7 * 60 + 10) * MIN);
  });
});

describe(scheduleScenario.name, () => {
  const litresOf = (emitted: ReturnType<typeof run>['emitted'], deviceId: string) =>
    emitted
      .filter((e) => e.deviceId === deviceId && e.message.topic.endsWith('/reading'))
      .map((e) => JSON.parse(e.message.payload) as { ts: number; total: number });

  it('a slow leak moves an empty unit’s meter by 1.5 L a minute from its start, and by nothing before', () => {
    const { steps, emitted } = run(
      'name: l\ntitle: L\nduration: 1h\nsteps: [{ at: 10m, do: leak, unit: { occupancy: [vacant, custody, shop-closed], meter: native }, litresPerMinute: 1.5 }]',
      60,
    );
    const readings = litresOf(emitted, steps[0]?.deviceIds[0] ?? '');
    const before = readings.filter((r) => r.ts <= T0 + 10 * MIN);
    expect(new Set(before.map((r) => r.total)).size).toBe(1);
    const first = readings[0];
    const last = readings.at(-1);
    expect(first && last && (last.total - first.total) * 1000).toBeCloseTo((((last?.ts ?? 0) - T0 - 10 * MIN) / MIN) * 1.5, 0);
  });

  it('a fire alarm reaches two detectors of one zone a minute apart', () => {
    const { steps, emitted } = run('name: f\ntitle: F\nduration: 10m\nsteps: [{ at: 3m, do: fire-alarm }]', 10);
    const alarms = emitted
      .filter((e) => e.message.topic.endsWith('/fire'))
      .map((e) => ({ ts: e.ts, ...(JSON.parse(e.message.payload) as { event: string; zone: string }) }));
    expect(alarms.map((a) => [a.ts - T0, a.event, a.zone])).toEqual([
      [3 * MIN, 'alarm', '1-Z1'],
      [4 * MIN, 'alarm', '1-Z1'],
    ]);
    expect(steps[0]?.deviceIds).toHaveLength(2);
  });

  it('a concentrator going offline says so once and its meters fall silent until it is back', () => {
    const { steps, emitted } = run(
      'name: g\ntitle: G\nduration: 30m\nsteps: [{ at: 5m, do: gateway-offline, device: { kind: gateway, serves: cjt188 }, for: 10m }]',
      30,
    );
    const gateway = steps[0]?.deviceIds[0] ?? '';
    const statuses = emitted
      .filter((e) => e.deviceId === gateway && e.message.topic.endsWith('/status'))
      .map((e) => [e.ts - T0, JSON.parse(e.message.payload).state]);
    expect(statuses).toEqual([
      [5 * MIN, 'offline'],
      [15 * MIN, 'online'],
    ]);
    const frames = emitted.filter((e) => e.message.topic.startsWith(`dtu/sc/${gateway}/`));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((e) => e.ts > T0 + 5 * MIN && e.ts < T0 + 15 * MIN)).toEqual([]);
  });

  it('a swapped meter starts again from zero', () => {
    const { steps, emitted } = run('name: m\ntitle: M\nduration: 20m\nsteps: [{ at: 5m, do: meter-swap, unit: { occupancy: occupied, meter: native } }]', 20);
    const readings = litresOf(emitted, steps[0]?.deviceIds[0] ?? '');
    expect(readings.filter((r) => r.ts < T0 + 5 * MIN).every((r) => r.total > 1)).toBe(true);
    expect(readings.filter((r) => r.ts > T0 + 5 * MIN).every((r) => r.total < 0.1)).toBe(true);
  });

  it('a forced gate opens its door contact with no card granted', () => {
    const { emitted } = run('name: d\ntitle: D\nduration: 5m\nsteps: [{ at: 1m, do: door-forced }]', 5);
    const events = emitted
      .filter((e) => e.deviceId.includes('gate-east') && /\/(access|contact)$/.test(e.message.topic))
      .map((e) => [e.deviceId, JSON.parse(e.message.payload).event]);
    expect(events.slice(0, 2)).toEqual([
      ['dc-gate-east', 'open'],
      ['ar-gate-east', 'forced'],
    ]);
  });
});
