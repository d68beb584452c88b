/**
 * `npm run bench:noise`: the noise budget (issue 14 item 5). The demo community `npm start` plays,
 * on the real parts (a private Mosquitto, or the embedded broker with BENCH_BROKER=aedes; PGlite,
 * or PostgreSQL with BENCH_DB=postgres), for a simulated week in accelerated time, with every
 * process restarted, a gateway outage, a re-base of 200 meters, a host clock jump, a site-data
 * revision and the 7 drill scenarios. Prints true incidents, anomalies, false anomalies, work
 * orders and pushes per true incident, and PASS/FAIL against the target. Exit code 0 whatever the
 * verdict (1 only when the bench itself could not run).
 * docs/noise.md says what it injects and how it counts.
 *
 * BENCH_DAYS (6: the ingest trusts device clocks up to 7 days behind the broker), BENCH_SPEED
 * (simulated per wall time; default: the run lasts about 30 minutes), BENCH_RESTARTS (10 per
 * process), BENCH_UNITS (default: the whole demo site), BENCH_LEAKS (one a day), BENCH_DRILLS
 * (comma-separated; default all 7), BENCH_LOG_LEVEL (silent).
 */
import { loadScenarios } from '@dutyroom/simulators';
import { formatNoiseResult } from '../harness/noise/format.ts';
import type { BrokerChoice } from '../harness/noise/parts.ts';
import { runNoiseBudget } from '../harness/noise/run.ts';
import { benchSite } from '../harness/noise/site.ts';

const env = process.env;
const num = (name: string, fallback: number) => {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be a number ≥ 0, not "${value}"`);
  return n;
};

async function main(): Promise<void> {
  const days = num('BENCH_DAYS', 6);
  if (days > 6) throw new RangeError('BENCH_DAYS may be at most 6: the ingest trusts device clocks only up to 7 days behind the broker');
  const simulatedMs = days * 86_400_000;
  const speed = num('BENCH_SPEED', Math.max(2, Math.round(simulatedMs / (30 * 60_000))));
  const units = env['BENCH_UNITS'] ? num('BENCH_UNITS', 0) : undefined;
  const bench = benchSite(`noise-${process.pid}`, units);
  const broker: BrokerChoice =
    env['BENCH_BROKER'] === 'aedes' ? { kind: 'aedes' } : env['BENCH_MQTT_URL'] ? { kind: 'url', url: env['BENCH_MQTT_URL'] } : { kind: 'mosquitto' };
  const postgres = env['BENCH_DB'] === 'postgres';
  const drills = env['BENCH_DRILLS'] !== undefined ? env['BENCH_DRILLS'].split(',').filter((s) => s !== '') : loadScenarios().map((s) => s.name);
  const options = {
    bench,
    simulatedMs,
    speed,
    restartsPerProcess: num('BENCH_RESTARTS', 10),
    leaks: num('BENCH_LEAKS', Math.max(1, Math.round(days))),
    rebaseMeters: num('BENCH_REBASE', 200),
    gatewayOutageMinutes: 30,
    clockJump: true,
    siteRevision: true,
    drills,
    seed: 1,
    broker,
    db: postgres ? ({ kind: 'postgres', url: env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' } as const) : ({ kind: 'pglite' } as const),
    schema: `noise_${process.pid}`,
    logLevel: env['BENCH_LOG_LEVEL'] ?? 'silent',
    settleSeconds: 5,
    onProgress: (line: string) => console.log(line),
  };
  console.log(
    `noise bench: ${bench.description}; ${days} simulated days at speed ${speed} (≈ ${Math.round(simulatedMs / speed / 60_000)} min wall); ` +
      `broker ${broker.kind}, database ${postgres ? 'PostgreSQL' : 'PGlite'}; ${options.restartsPerProcess} restarts per process, ${options.leaks} leaks, ` +
      `re-base of ${options.rebaseMeters} meters, ${drills.length} drills`,
  );
  const result = await runNoiseBudget(options);
  console.log(formatNoiseResult(result, result.simStart));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // A bench that could not run measured nothing: that one is an error.
    console.error(error);
    process.exit(1);
  },
);
