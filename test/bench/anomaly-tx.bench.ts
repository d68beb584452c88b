/**
 * The anomaly transaction alone (the floor of publish → anomaly latency, docs/performance.md):
 * one reading's finding applied through the anomaly store, one after another, on PostgreSQL
 * (BENCH_DB=postgres, the default: DATABASE_URL or the test database) or PGlite (BENCH_DB=pglite).
 * Reports the latency percentiles of `apply` (begin … commit) for a repeat of an open anomaly.
 *
 *   node --import tsx test/bench/anomaly-tx.bench.ts        # BENCH_APPLIES (2000)
 */
import { type DeviceContext, detectors, indexSite } from '@dutyroom/domain';
import { createAnomalyStore, createStateStore } from '@dutyroom/ingest';
import { openDatabase } from '@dutyroom/platform';
import pg from 'pg';
import { benchSite } from './bench-site.ts';

const APPLIES = Number(process.env['BENCH_APPLIES'] ?? 2000);
const usePostgres = (process.env['BENCH_DB'] ?? 'postgres') === 'postgres';
const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_tx_${process.pid}`;
const db = await openDatabase({ database: usePostgres ? { url, schema } : { schema: 'public' }, dataDir: '.data/unused' }, { inMemory: true });
const siteId = 'tx';
const site = indexSite(benchSite(siteId, 10));
const device = site.device('wm0') as DeviceContext;
const detector = detectors.find((d) => d.id === 'vacant-unit-water') ?? detectors[0];
const states = createStateStore(db);
const policy = { holdDownMs: () => 300_000, foldInto: () => undefined };
const t0 = Date.UTC(2026, 10, 25);
const sample = async (store: ReturnType<typeof createAnomalyStore>, i: number) => {
  const started = performance.now();
  await store.apply(
    {
      siteId,
      idempotencyKey: `wm0/${process.pid}/${i}`,
      readingTs: t0 + i * 1000,
      drill: false,
      device,
      events: [{ type: 'raise', rule: detector?.id ?? 'rule', subject: 'u0', severity: 'P3', evidence: { litres: 50 + i } }],
      states: [{ detectorId: detector?.id ?? 'rule', stateKey: 'wm0', version: 1, deviceId: 'wm0', state: { i }, wakeAt: undefined }],
    },
    policy,
  );
  return performance.now() - started;
};
const store = createAnomalyStore(db, states);
for (let i = 0; i < 100; i++) await sample(store, -1 - i); // warm-up; opens the anomaly
const latencies: number[] = [];
const cpuBefore = process.cpuUsage();
const PAUSE = Number(process.env['BENCH_PAUSE_MS'] ?? 0);
for (let i = 0; i < APPLIES; i++) {
  if (PAUSE > 0) await new Promise((r) => setTimeout(r, PAUSE));
  latencies.push(await sample(store, i));
}
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
const at = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] as number) * 1000) / 1000;
console.log(
  JSON.stringify({
    db: usePostgres ? 'postgresql' : 'pglite',
    applies: APPLIES,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
    cpuMicrosPerApply: Math.round((cpu.user + cpu.system) / APPLIES),
  }),
);
await db.close();
if (usePostgres) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}
