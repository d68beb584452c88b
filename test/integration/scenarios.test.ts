import { configSchema } from '@dutyroom/domain';
import { type Stack, startStack } from '@dutyroom/launcher';
import { createLogger } from '@dutyroom/platform';
import { generateCommunitySite, loadScenarios, type Scenario, startRun } from '@dutyroom/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../harness/servers.ts';

/**
 * Every shipped scenario (simulators/scenarios/*.yaml) played through the real product: the
 * launcher's stack (embedded broker, PGlite, ingest, server) on a community generated for the
 * scenario, at accelerated time, then the anomalies and work orders the scenario's `expect` names
 * must be there, about the unit the scenario chose. Rule ids are SPEC §5's (domain/src/detectors/rule-ids.ts).
 */

/** Wall time each scenario gets: its simulated duration is compressed into it. */
const WALL_BUDGET_MS = 4000;

interface Row {
  rule: string;
  severity: string;
  unit_id: string | null;
  drill: boolean;
  evidence: Record<string, unknown>;
}

async function startScenarioStack(scenario: Scenario) {
  const siteId = uniqueName('sc').replace(/_/g, '-');
  const site = generateCommunitySite({ ...scenario.community, siteId });
  const config = configSchema.parse({
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { embeddedPort: 0 },
    database: {},
    ingest: { clientId: `${siteId}-ingest` },
    server: { clientId: `${siteId}-server` },
    demo: true,
    logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
  });
  const stack: Stack = await startStack({ config, site, log: createLogger(config.logLevel), inMemoryDb: true });
  return { stack, site };
}

for (const scenario of loadScenarios()) {
  describe(`scenario ${scenario.name}: ${scenario.title}`, () => {
    let stack: Stack;
    let unitOfStep: (index: number | undefined) => string | undefined;
    const rows = async <T>(sql: string) => (await stack.db.query<T>(sql)).rows;

    beforeAll(async () => {
      const started = await startScenarioStack(scenario);
      stack = started.stack;
      const speed = Math.max(scenario.speed, scenario.duration / WALL_BUDGET_MS);
      const run = await startRun({
        site: started.site,
        connection: { url: stack.mqttUrl },
        seed: 1,
        speed,
        wallDurationMs: scenario.duration / speed,
        scenario,
        drill: true,
        ambient: false,
        announce: true,
      });
      const summary = await run.finished;
      expect(summary.failed).toBe(0);
      unitOfStep = (index) => (index === undefined ? undefined : summary.steps[index]?.unitId);
    }, 60_000);
    afterAll(async () => {
      await stack?.stop();
    });

    for (const [i, expected] of scenario.expect.anomalies.entries())
      it(`raises ${expected.rule}${expected.severity ? ` ${expected.severity}` : ''}${expected.unitOfStep !== undefined ? ' for the unit of the step' : ''} (anomaly ${i + 1})`, async () => {
        const unit = unitOfStep(expected.unitOfStep);
        const found = await waitFor(
          async () => {
            const all = await rows<Row>('select rule, severity, unit_id, drill, evidence from anomalies');
            return all.find(
              (a) =>
                a.rule === expected.rule &&
                (unit === undefined || a.unit_id === unit) &&
                Object.entries(expected.evidence ?? {}).every(([k, v]) => a.evidence[k] === v),
            );
          },
          `a ${expected.rule} anomaly${unit ? ` for ${unit}` : ''}`,
          15_000,
        );
        if (expected.severity) expect(found.severity).toBe(expected.severity);
      });

    for (const expected of scenario.expect.workOrders)
      it(`opens a ${expected.rule} work order`, async () => {
        const unit = unitOfStep(expected.unitOfStep);
        const found = await waitFor(
          async () =>
            (await rows<Row>('select rule, unit_id from work_orders')).find((w) => w.rule === expected.rule && (unit === undefined || w.unit_id === unit)),
          `a ${expected.rule} work order`,
          15_000,
        );
        expect(found.rule).toBe(expected.rule);
      });

    if (scenario.expect.anomalies.length === 0)
      it('raises nothing: the wall stays empty (a replaced meter is re-based, not alarmed)', async () => {
        // The run has finished and every message was published; give the ingest a moment to store them.
        await waitFor(async () => (await rows<{ n: number }>(`select count(*)::int as n from telemetry`))[0]?.n !== 0, 'the readings stored', 15_000);
        await new Promise((r) => setTimeout(r, 1000));
        expect(await rows<Row>('select rule, severity, unit_id, drill, evidence from anomalies')).toEqual([]);
        expect(await rows<Row>('select rule from work_orders')).toEqual([]);
      });

    if (scenario.name === 'vacant-unit-leak')
      it('labels what a drill raised as a drill (演练), and nothing else is about another unit', async () => {
        const anomalies = await rows<Row>(`select rule, severity, unit_id, drill from anomalies where rule = 'vacant-unit-water'`);
        expect(anomalies.map((a) => [a.unit_id, a.drill])).toEqual([[unitOfStep(0), true]]);
      });
  });
}
