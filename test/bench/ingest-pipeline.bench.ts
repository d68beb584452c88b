/**
 * The pipeline alone, fed in process (no broker): readings/s through decode, guards, every
 * detector and (BENCH_TELEMETRY=pglite, the default) telemetry group-committed into PGlite,
 * (BENCH_TELEMETRY=postgres) into PostgreSQL (DATABASE_URL or the test database, own schema; the
 * server's CPU is not counted), or (BENCH_TELEMETRY=none) no telemetry. For `node --cpu-prof`:
 * where the ingest's own time goes.
 *
 *   node --import tsx test/bench/ingest-pipeline.bench.ts            # BENCH_METERS (10000), BENCH_MESSAGES (200000)
 */
import { createMessageDecoder, detectors, indexSite, topics } from '@dutyroom/domain';
import {
  createAnomalyStore,
  createConfigResolver,
  createDeadLetterSink,
  createIngestMetrics,
  createPgTelemetrySink,
  createPipeline,
  createStateStore,
} from '@dutyroom/ingest';
import { createLogger, openDatabase } from '@dutyroom/platform';
import pg from 'pg';
import { benchMeters, benchSite } from './bench-site.ts';

const METERS = Number(process.env['BENCH_METERS'] ?? 10_000);
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
const telemetryTo = process.env['BENCH_TELEMETRY'] ?? 'pglite';
const withTelemetry = telemetryTo !== 'none';
const postgresUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_pipe_${process.pid}`;

const siteId = 'pipe';
const file = benchSite(siteId, METERS);
const site = { ...indexSite(file), sources: file.sources };
const db = await openDatabase(
  { database: telemetryTo === 'postgres' ? { url: postgresUrl, schema } : { schema: 'public' }, dataDir: '.data/unused' },
  { inMemory: true },
);
const states = createStateStore(db);
const pipeline = createPipeline({
  site,
  decode: createMessageDecoder(site),
  detectors,
  configFor: createConfigResolver(file, detectors),
  anomalies: createAnomalyStore(db, states),
  states,
  telemetry: withTelemetry ? createPgTelemetrySink(db) : { write: async () => undefined, flush: async () => undefined, close: async () => undefined },
  deadLetters: createDeadLetterSink(db),
  onAnomalyChange: () => {},
  metrics: createIngestMetrics(),
  log: createLogger('silent'),
  maxPayloadBytes: 65536,
});
await pipeline.start();
const { background } = benchMeters(METERS);
const topicsById = background.map((id) => topics.deviceMessage(siteId, id, 'reading'));
const t0 = Date.now() - 3_600_000;
const started = performance.now();
const cpuBefore = process.cpuUsage();
// Up to 5,000 messages in flight, as the MQTT source allows for QoS 0.
let inFlight: Promise<void>[] = [];
for (let i = 0; i < MESSAGES; i++) {
  const k = i % background.length;
  const round = Math.floor(i / background.length);
  inFlight.push(
    pipeline.onMessage(topicsById[k] as string, Buffer.from(`{"ts":${t0 + round * 1000 + k},"total":${100 + round * 0.001},"seq":${i}}`), Date.now()),
  );
  if (inFlight.length >= 5000) {
    await Promise.all(inFlight);
    inFlight = [];
  }
}
await Promise.all(inFlight);
await pipeline.drain();
const seconds = (performance.now() - started) / 1000;
// CPU time of this process: less disturbed than wall time by other processes on a shared machine.
const cpu = process.cpuUsage(cpuBefore);
console.log(
  JSON.stringify({
    messages: MESSAGES,
    telemetry: telemetryTo,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round(MESSAGES / seconds),
    cpuMicrosPerMessage: Math.round(((cpu.user + cpu.system) / MESSAGES) * 10) / 10,
  }),
);
await db.close();
if (telemetryTo === 'postgres') {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}
