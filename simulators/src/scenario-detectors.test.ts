import {
  type AnyDetector,
  createMessageDecoder,
  type DetectorEvent,
  detectors,
  emptyRegister,
  indexSite,
  isMeterTotal,
  type RegisterState,
  stepRegister,
  type UnitType,
} from '@dutyroom/domain';
import { describe, expect, it } from 'vitest';
import { generateCommunitySite } from './community.ts';
import { Simulation } from './engine.ts';
import { loadScenarios, previousTimeOfDay, scheduleScenario } from './scenario.ts';

const T0 = Date.UTC(2026, 10, 24, 2, 0, 0);
const STEP_MS = 10_000;

/**
 * Each shipped scenario through the domain alone — simulated devices → normalizers → the detector
 * registry, with ticks as the pipeline gives them — so a scenario that cannot produce what it
 * expects fails here, fast, whatever the state of the ingest. test/integration/scenarios.test.ts
 * plays the same scenarios through the real stack.
 */
function raisedBy(scenarioName: string) {
  const scenario = loadScenarios().find((s) => s.name === scenarioName);
  if (scenario === undefined) throw new Error(scenarioName);
  const site = generateCommunitySite({ ...scenario.community, siteId: 'dd' });
  const index = indexSite(site);
  const decode = createMessageDecoder({ ...index, sources: site.sources });
  const start = scenario.startsAt === undefined ? T0 : previousTimeOfDay(T0, scenario.startsAt, site.site.timezone);
  const sim = new Simulation({ site, seed: 1, startTs: start, ambient: false });
  const steps = scheduleScenario(sim, scenario, start);
  const states = new Map<string, { detector: AnyDetector; state: unknown; device: NonNullable<ReturnType<typeof index.device>> }>();
  const registers = new Map<string, RegisterState>();
  const raised: { rule: string; subject: string; severity: string; unitId: string | undefined; evidence: Readonly<Record<string, unknown>> }[] = [];
  // The site's rules, then the unit type's, over the detector's defaults (as the ingest resolves them).
  const configOf = (detector: AnyDetector, unitType: UnitType | undefined) =>
    detector.configSchema.parse({ ...site.rules[detector.id], ...(unitType === undefined ? {} : site.rulesByUnitType[unitType]?.[detector.id]) });
  const collect = (events: readonly DetectorEvent[], unitId: string | undefined) => {
    for (const e of events) if (e.type === 'raise') raised.push({ rule: e.rule, subject: e.subject, severity: e.severity, unitId, evidence: e.evidence });
  };
  const messages = [...sim.announce()];
  for (let t = start; t <= start + scenario.duration; t += STEP_MS) {
    messages.push(...sim.advanceTo(t));
    for (const m of messages.splice(0)) {
      const { readings } = decode({ topic: m.message.topic, payload: new TextEncoder().encode(m.message.payload), receivedAt: m.ts });
      for (const reading of readings) {
        const device = index.device(reading.deviceId);
        if (device === undefined) continue;
        // As the ingest does: one meter register per device, stepped once, shared by every meter rule.
        let meter: ReturnType<typeof stepRegister> | undefined;
        if (isMeterTotal(reading.kind) && 'value' in reading) {
          const register = registers.get(device.device.id) ?? emptyRegister();
          registers.set(device.device.id, register);
          meter = stepRegister(register, reading.value, reading.ts);
        }
        for (const detector of detectors) {
          if (!detector.appliesTo.includes(reading.kind)) continue;
          const key = detector.stateKey ? detector.stateKey(reading, device) : device.device.id;
          if (key === undefined) continue;
          const id = `${detector.id}\u0000${key}`;
          const entry = states.get(id) ?? { detector, state: detector.initialState(device), device };
          states.set(id, entry);
          entry.device = device;
          const ctx = { config: configOf(detector, device.unit?.unitType), device, now: reading.ts, ...(meter ? { meter } : {}) };
          collect(detector.onReading(entry.state, reading, ctx), device.unit?.id);
        }
      }
    }
    for (const entry of states.values()) {
      const due = entry.detector.wakeAt?.(entry.state);
      if (due === undefined || due > t || entry.detector.onTick === undefined) continue;
      collect(
        entry.detector.onTick(entry.state, { config: configOf(entry.detector, entry.device.unit?.unitType), device: entry.device, now: t }),
        entry.device.unit?.id,
      );
    }
  }
  return { scenario, steps, raised };
}

describe('shipped scenarios through the domain detectors', () => {
  it.each(loadScenarios().map((s) => [s.name]))('%s raises what it expects, about the unit it chose, and nothing unexpected', (name) => {
    const { scenario, steps, raised } = raisedBy(name);
    for (const expected of scenario.expect.anomalies) {
      const unit = expected.unitOfStep === undefined ? undefined : steps[expected.unitOfStep]?.unitId;
      const found = raised.find(
        (r) =>
          r.rule === expected.rule &&
          (unit === undefined || r.unitId === unit) &&
          Object.entries(expected.evidence ?? {}).every(([k, v]) => r.evidence[k] === v),
      );
      expect({ rule: expected.rule, unit, severity: found?.severity }).toEqual({
        rule: expected.rule,
        unit,
        severity: expected.severity ?? found?.severity ?? 'raised',
      });
    }
    // A quiet community (no ambient life) raises nothing but what the scenario is about.
    const expectedRules = new Set(scenario.expect.anomalies.map((a) => a.rule));
    expect([...new Set(raised.map((r) => r.rule))].filter((r) => !expectedRules.has(r))).toEqual([]);
  });
});
