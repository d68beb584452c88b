import { describe, expect, it } from 'vitest';
import { formatNoiseResult } from '../harness/noise/format.ts';
import { type NoiseRunResult, runNoiseBudget } from '../harness/noise/run.ts';
import { benchSite } from '../harness/noise/site.ts';
import { available, servers, uniqueName } from '../harness/servers.ts';

/**
 * The noise budget (issue 14 item 5) at a small scale on the real broker and PostgreSQL: a
 * generated community of about 40 units for 5 simulated hours, every process restarted twice, a
 * re-base of 20 meters, one gateway outage and one true leak. The same injection and accounting
 * as `npm run bench:noise` (test/harness/noise/). Target: no false anomaly, every injected
 * incident detected, exactly one work order each.
 */
const haveMosquitto = await available('mosquitto');
const havePostgres = await available('postgres');

describe.runIf(haveMosquitto && havePostgres)('noise budget on Mosquitto and PostgreSQL', () => {
  let result: NoiseRunResult | undefined;
  const run = async () => {
    result ??= await runNoiseBudget({
      bench: benchSite(uniqueName('nb').replace(/_/g, '-'), 40),
      simulatedMs: 5 * 3_600_000,
      speed: 150,
      restartsPerProcess: 2,
      leaks: 1,
      rebaseMeters: 20,
      gatewayOutageMinutes: 15,
      clockJump: false,
      siteRevision: false,
      drills: [],
      seed: 1,
      broker: { kind: 'url', url: servers.mosquitto.url },
      db: { kind: 'postgres', url: servers.postgres.url },
      schema: uniqueName('noise'),
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      settleSeconds: 3,
    });
    console.log(formatNoiseResult(result, result.simStart));
    return result;
  };

  it('restarts, a re-base and a gateway outage raise no false anomaly; the leak and the outage are detected with one work order each', async () => {
    const { report } = await run();
    expect(report.trueIncidents).toBe(2);
    const falseOnes = report.falseAnomalies.map((f) => `${f.rule} ${f.subject} after ${f.after}`);
    expect(falseOnes.slice(0, 20), `${falseOnes.length} false anomalies`).toEqual([]);
    expect(report.outcomes.filter((o) => !o.detected).map((o) => o.label)).toEqual([]);
    expect(report.outcomes.map((o) => `${o.label}: ${o.workOrders}`)).toEqual(report.outcomes.map((o) => `${o.label}: 1`));
    expect(report.workOrdersOutside).toBe(0);
  }, 420_000);
});
