/**
 * `npm run bench:soak`: the real ingest (startIngest: every detector and normalizer, telemetry to
 * the database, anomaly events published) under a site of SOAK_METERS meters (100,000) reading once
 * per simulated minute, SOAK_SPEEDUP simulated minutes per minute (2), for SOAK_MINUTES simulated
 * minutes (15), plus fire alarms, access events and anomaly probes. Reports, every 10 s: heap after
 * GC, RSS, backlog and handled messages; at the end: heap slope, backlog, publish → anomaly
 * latencies. Loopback only: a private Mosquitto on an ephemeral port (no queue limit), PostgreSQL
 * (SOAK_DATABASE_URL or the test database, own schema) or PGlite with SOAK_DB=pglite.
 * Raw figures: .data/bench-soak.json. Bounded: SOAK_MINUTES / SOAK_SPEEDUP minutes plus set-up.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { anomalyEventSchema, configSchema, siteFileSchema, topicFilters, topics } from '@dutyroom/domain';
import { startIngest } from '@dutyroom/ingest';
import { createLogger, openDatabase } from '@dutyroom/platform';
import mqtt from 'mqtt';
import { benchMeters, benchSite } from './bench-site.ts';

const env = process.env;
const METERS = Number(env['SOAK_METERS'] ?? 100_000);
const MINUTES = Number(env['SOAK_MINUTES'] ?? 15);
const SPEEDUP = Number(env['SOAK_SPEEDUP'] ?? 2);
const usePglite = env['SOAK_DB'] === 'pglite';
const gc = (globalThis as { gc?: () => void }).gc;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dutyroom-soak-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'm.conf'),
    `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 100\nset_tcp_nodelay true\nlog_dest none\n`,
  );
  const broker = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'm.conf')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const url = `mqtt://127.0.0.1:${port}`;

  const siteId = `soak-${process.pid}`;
  const schema = `soak_${process.pid}`;
  const base = benchSite(siteId, METERS);
  const smoke = Array.from({ length: 100 }, (_, i) => `sd${i}`);
  const readers = Array.from({ length: 20 }, (_, i) => `ar${i}`);
  const site = siteFileSchema.parse({
    ...base,
    buildings: base.buildings.map((b, i) =>
      i === 0
        ? { ...b, devices: [...smoke.map((id) => ({ id, kind: 'smoke-detector', zone: 'z1' })), ...readers.map((id) => ({ id, kind: 'access-reader' }))] }
        : b,
    ),
  });
  const config = configSchema.parse({
    mqtt: { url },
    database: usePglite ? {} : { url: env['SOAK_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test', schema },
    ingest: { clientId: `${siteId}-ingest` },
    logLevel: 'warn',
  });
  const db = await openDatabase(config, { inMemory: true });
  const ingest = await startIngest({ config, mqttUrl: url, db, site, log: createLogger('warn') });

  const meters = benchMeters(METERS);
  const probes = meters.probes.slice(0, 20);
  const quiet = meters.probes.slice(20).flatMap((wm) => [wm, wm.replace('wm', 'em')]);
  const meterTopics = [...meters.background, ...quiet].map((id) => topics.deviceMessage(siteId, id, 'reading'));
  const perSecond = (meterTopics.length * SPEEDUP) / 60;
  const seconds = (MINUTES * 60) / SPEEDUP;
  console.log(`soak: ${meterTopics.length} meters, ${perSecond.toFixed(0)} readings/s for ${seconds} s, db ${usePglite ? 'pglite' : 'postgresql'}`);

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const bms = await mqtt.connectAsync(url, { clientId: `${siteId}-bms`, clean: true });
  bms.on('message', (_t, payload) => {
    if (payload.length === 0) return;
    const parsed = anomalyEventSchema.safeParse(JSON.parse(payload.toString()));
    if (!parsed.success || parsed.data.anomaly.deviceId === null || parsed.data.anomaly.rule !== 'vacant-unit-water') return;
    const from = sentAt.get(parsed.data.anomaly.deviceId);
    if (from !== undefined) {
      latencies.push(Date.now() - from);
      sentAt.delete(parsed.data.anomaly.deviceId);
    }
  });
  await bms.subscribeAsync(topicFilters.anomalies(siteId), { qos: 1 });

  const worker = new Worker(new URL('./soak-generator.mjs', import.meta.url), {
    workerData: {
      url,
      meterTopics,
      probeTopics: probes.map((id) => topics.deviceMessage(siteId, id, 'reading')),
      smokeTopics: smoke.map((id) => topics.deviceMessage(siteId, id, 'fire')),
      accessTopics: readers.map((id) => topics.deviceMessage(siteId, id, 'access')),
      perSecond,
      seconds,
      alarmEverySeconds: 10,
      accessPerSecond: 5,
      probePerSecond: 10,
    },
  });
  let progress = { published: 0, accessSent: 0, probeSent: 0, alarms: 0 };
  let finished: (() => void) | undefined;
  const done = new Promise<void>((r) => {
    finished = r;
  });
  worker.on('message', (m: { type: string; topic?: string; sentAt?: number } & typeof progress) => {
    if (m.type === 'probe' && m.topic !== undefined && m.sentAt !== undefined) sentAt.set(m.topic.split('/')[4] as string, m.sentAt);
    if (m.type === 'progress' || m.type === 'done') progress = { published: m.published, accessSent: m.accessSent, probeSent: m.probeSent, alarms: m.alarms };
    if (m.type === 'done') finished?.();
  });

  const handled = async () => (await ingest.metrics.messages.get()).values.reduce((n, v) => n + v.value, 0);
  const samples: { t: number; heapMb: number; rssMb: number; backlog: number; handled: number; published: number; states: number }[] = [];
  const t0 = performance.now();
  const sample = async () => {
    gc?.();
    const m = process.memoryUsage();
    const s = {
      t: Math.round((performance.now() - t0) / 1000),
      heapMb: Math.round(m.heapUsed / 1e5) / 10,
      rssMb: Math.round(m.rss / 1e5) / 10,
      backlog: ingest.pipeline.stats.backlog,
      handled: await handled(),
      published: progress.published + progress.accessSent + progress.probeSent + 2 * progress.alarms,
      states: ingest.pipeline.stats.states,
    };
    samples.push(s);
    console.log(JSON.stringify(s));
  };
  const sampler = setInterval(() => void sample(), 10_000);
  await done;
  // Drain: everything published handled (QoS 0 sent over loopback to a live subscriber).
  const drainStart = performance.now();
  while (performance.now() - drainStart < 60_000 && (await handled()) < progress.published + progress.accessSent + progress.probeSent + 2 * progress.alarms)
    await new Promise((r) => setTimeout(r, 200));
  const drainSeconds = (performance.now() - drainStart) / 1000;
  clearInterval(sampler);
  await sample();

  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
  // Least-squares heap slope over the second half (after the states exist): flat memory is ≈ 0.
  const lastT = samples.at(-1)?.t ?? 0;
  const half = samples.filter((s) => s.t >= lastT / 2);
  const meanT = half.reduce((n, s) => n + s.t, 0) / Math.max(1, half.length);
  const meanH = half.reduce((n, s) => n + s.heapMb, 0) / Math.max(1, half.length);
  const covariance = half.reduce((n, s) => n + (s.t - meanT) * (s.heapMb - meanH), 0);
  const variance = half.reduce((n, s) => n + (s.t - meanT) ** 2, 0);
  const slope = variance > 0 ? (covariance / variance) * 60 : 0;
  const published = progress.published + progress.accessSent + progress.probeSent + 2 * progress.alarms;
  const result = {
    date: new Date().toISOString(),
    meters: meterTopics.length,
    simulatedMinutes: MINUTES,
    speedup: SPEEDUP,
    readingsPerSecond: Math.round(perSecond),
    db: usePglite ? 'pglite' : 'postgresql',
    published,
    handled: await handled(),
    drainSeconds: Math.round(drainSeconds * 10) / 10,
    maxBacklog: Math.max(...samples.map((s) => s.backlog)),
    heapMbFirst: samples[0]?.heapMb,
    heapMbLast: samples[samples.length - 1]?.heapMb,
    heapSlopeMbPerMinuteSecondHalf: Math.round(slope * 100) / 100,
    heapMbSecondHalf: { min: Math.min(...half.map((s) => s.heapMb)), max: Math.max(...half.map((s) => s.heapMb)) },
    rssMbLast: samples[samples.length - 1]?.rssMb,
    probeLatencyMs: { samples: sorted.length, p50: pct(50), p90: pct(90), p99: pct(99), max: sorted[sorted.length - 1] ?? null },
    alarms: progress.alarms,
    accessEvents: progress.accessSent,
    samples,
  };
  console.log(JSON.stringify({ ...result, samples: undefined }, null, 2));
  mkdirSync('.data', { recursive: true });
  writeFileSync('.data/bench-soak.json', JSON.stringify(result, null, 2));

  await bms.endAsync();
  await ingest.stop();
  if (!usePglite) await db.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
  await db.close();
  broker.kill('SIGTERM');
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
