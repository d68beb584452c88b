/**
 * `npm run bench:ingest`: the real ingest (startIngest: every registered detector, telemetry written
 * to the embedded store) on a Mosquitto of its own configured as deploy/mosquitto/mosquitto.conf
 * says (TCP_NODELAY, queue bounded by bytes, 100 in flight; the embedded Aedes when Mosquitto is
 * not installed), with a load generator on its own thread. Bounded: about two minutes, loopback only.
 *
 *   1. memory: 100,000 simulated meters' detector state, in process (no broker)
 *   2. latency: publish → anomaly event received (10 probes/s among the readings), at 2,000 readings/s
 *      QoS 0 and QoS 1, and 200 readings/s QoS 1
 *   3. throughput: QoS 0 at stepped rates; sustained = no loss and no growing backlog
 *
 * Environment: BENCH_METERS (10000), BENCH_MEMORY_METERS (100000; 0 skips), BENCH_STEPS ("10000,20000,30000,40000,50000,60000"),
 * BENCH_STEP_SECONDS (5), BENCH_LATENCY_SECONDS (15), BENCH_DB=postgres (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test),
 * BENCH_PROBE_SUBSCRIBER=ingest (anomaly events received on the ingest's thread instead of the load generator's),
 * BENCH_BROKER=system (this machine's Mosquitto on 127.0.0.1:1883 as it is configured, e.g. Debian's defaults).
 * Results go to stdout as a table and to .data/bench-ingest.json; docs/performance.md quotes them.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Worker } from 'node:worker_threads';
import { anomalyEventSchema, configSchema, topicFilters, topics } from '@dutyroom/domain';
import { startIngest } from '@dutyroom/ingest';
import { startEmbeddedBroker } from '@dutyroom/launcher';
import { createLogger, openDatabase } from '@dutyroom/platform';
import mqtt from 'mqtt';
import pg from 'pg';
import { binaries, type PrivateServer, privateMosquitto } from '../harness/private-servers.ts';
import { benchMeters, benchSite } from './bench-site.ts';
import { measureStateMemory } from './state-memory.ts';

const env = process.env;
const METERS = Number(env['BENCH_METERS'] ?? 10_000);
const STEPS = (env['BENCH_STEPS'] ?? '10000,20000,30000,40000,50000,60000').split(',').map(Number);
const STEP_SECONDS = Number(env['BENCH_STEP_SECONDS'] ?? 5);
const LATENCY_SECONDS = Number(env['BENCH_LATENCY_SECONDS'] ?? 15);
const usePostgres = env['BENCH_DB'] === 'postgres';
// The anomaly events' subscriber stands for another system (a BMS, a paging gateway): it runs off
// the ingest's thread unless BENCH_PROBE_SUBSCRIBER=ingest asks for the old, pessimistic setup.
const subscriberInWorker = env['BENCH_PROBE_SUBSCRIBER'] !== 'ingest';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 500 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(false));
  });

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main() {
  const results: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, meters: METERS };

  // 1. Memory of 100,000 meters' state.
  const memoryMeters = Number(env['BENCH_MEMORY_METERS'] ?? 100_000);
  if (memoryMeters > 0) {
    results['memory'] = await measureStateMemory(memoryMeters);
    console.log('memory', results['memory']);
  }

  // 2. The stack under test.
  // The broker as production configures it: Debian's defaults (Nagle on, a queue of 1,000 that
  // drops) measure an unconfigured broker, not the ingest. BENCH_BROKER=system measures those.
  const systemBroker = env['BENCH_BROKER'] === 'system' && (await reachable(1883));
  let mosquitto: PrivateServer | undefined;
  if (!systemBroker && existsSync(binaries.mosquitto)) mosquitto = await privateMosquitto();
  const broker = systemBroker || mosquitto ? undefined : await startEmbeddedBroker('127.0.0.1', 0);
  const url = broker?.url ?? mosquitto?.url ?? 'mqtt://127.0.0.1:1883';
  const siteId = `bench-${process.pid}`;
  const schema = `bench_${process.pid}`;
  const config = configSchema.parse({
    mqtt: { url },
    database: usePostgres ? { url: env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test', schema } : {},
    ingest: { clientId: `${siteId}-ingest` },
    logLevel: 'warn',
  });
  const db = await openDatabase(config, { inMemory: true });
  const site = benchSite(siteId, METERS);
  const snapshotEveryMs = env['BENCH_SNAPSHOT_MS'] === undefined ? undefined : Number(env['BENCH_SNAPSHOT_MS']);
  const ingest = await startIngest({ config, mqttUrl: url, db, site, log: createLogger('warn'), ...(snapshotEveryMs ? { snapshotEveryMs } : {}) });
  results['setup'] = {
    broker: systemBroker ? 'mosquitto (127.0.0.1:1883, as configured)' : mosquitto ? `mosquitto (private, deploy settings, ${url})` : 'aedes (embedded)',
    db: usePostgres ? 'postgresql' : 'pglite (in memory)',
    probeSubscriber: subscriberInWorker ? 'load generator thread' : 'ingest thread',
  };
  console.log('setup', results['setup']);

  const processed = async () => (await ingest.metrics.messages.get()).values.reduce((n, v) => n + v.value, 0);
  const meters = benchMeters(METERS);
  const background = meters.background;
  // A few vacant units probed again and again: after its first reading each probe raises or repeats an anomaly.
  const probes = meters.probes.slice(0, 20);
  const withTopic = (id: string) => ({ id, topic: topics.deviceMessage(siteId, id, 'reading') });
  const worker = new Worker(new URL('./load-generator.mjs', import.meta.url), {
    workerData: {
      url,
      background: background.map(withTopic),
      probes: probes.map(withTopic),
      ...(subscriberInWorker ? { anomalyFilter: topicFilters.anomalies(siteId) } : {}),
    },
  });
  const sent = new Map<string, number>();
  let published = 0;
  let onDone: ((n: number) => void) | undefined;
  const latencies: number[] = [];
  worker.on('message', (m: { type: string; published?: number; deviceId?: string; sentAt?: number; ms?: number }) => {
    if (m.type === 'latency' && m.ms !== undefined) latencies.push(m.ms);
    if (m.type === 'probe' && m.deviceId !== undefined && m.sentAt !== undefined) sent.set(m.deviceId, m.sentAt);
    if (m.type === 'progress' || m.type === 'done') published = m.published ?? published;
    if (m.type === 'done') onDone?.(m.published ?? 0);
  });
  await new Promise<void>((resolve) => worker.once('message', () => resolve()));

  const bms = await mqtt.connectAsync(url, { clientId: `${siteId}-bms`, clean: true });
  bms.on('message', (_topic, payload) => {
    if (subscriberInWorker) return;
    const at = now();
    if (payload.length === 0) return; // a deleted retained state (the clean-up at the end)
    const parsed = anomalyEventSchema.safeParse(JSON.parse(payload.toString()));
    const deviceId = parsed.success ? parsed.data.anomaly.deviceId : null;
    const from = deviceId === null ? undefined : sent.get(deviceId);
    if (from !== undefined) {
      latencies.push(at - from);
      sent.delete(deviceId as string);
    }
  });
  await bms.subscribeAsync(topicFilters.anomalies(siteId), { qos: 1 });

  /** Publishes at `rate` for `seconds`; samples the backlog; waits for the ingest to catch up. */
  const handleTime = async () => {
    const values = (await ingest.metrics.handleSeconds.get()).values;
    return { sum: values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0, count: values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0 };
  };
  const step = async (rate: number, seconds: number, qos: 0 | 1, probeRate: number) => {
    const start = await processed();
    const handleBefore = await handleTime();
    const t0 = now();
    published = 0;
    const lags: number[] = [];
    const done = new Promise<number>((resolve) => {
      onDone = resolve;
    });
    worker.postMessage({ type: 'run', rate, seconds, qos, probeRate });
    const sampler = setInterval(() => {
      void processed().then((p) => lags.push(published - (p - start)));
    }, 250);
    const total = await done;
    const publishSeconds = (now() - t0) / 1000;
    clearInterval(sampler);
    const drainStart = now();
    let handled = (await processed()) - start;
    while (handled < total && now() - drainStart < 10_000) {
      await sleep(20);
      handled = (await processed()) - start;
    }
    const drainMs = now() - drainStart;
    const wall = (now() - t0) / 1000;
    const lost = total - handled;
    const early = lags[Math.min(3, lags.length - 1)] ?? 0;
    const late = lags.at(-1) ?? 0;
    const growing = late > Math.max(rate * 0.25, 2 * early);
    const handleAfter = await handleTime();
    return {
      rate,
      qos,
      /** Mean time from receipt to persisted, per message, inside the ingest. */
      meanHandleMs: round(((handleAfter.sum - handleBefore.sum) / Math.max(1, handleAfter.count - handleBefore.count)) * 1000, 3),
      published: total,
      publishRate: Math.round(total / publishSeconds),
      handledPerSecond: Math.round(handled / wall),
      lost,
      maxBacklog: Math.max(0, ...lags),
      drainMs: Math.round(drainMs),
      sustained: lost === 0 && !growing && drainMs < 1000,
    };
  };

  // Warm-up: every meter once, so each has its state and timer, then let it settle.
  await step(5000, Math.ceil((background.length + probes.length) / 5000), 0, 20);
  for (const id of probes) sent.delete(id);
  worker.postMessage({ type: 'reset' });

  // 3. Latency at 2,000 readings/s.
  const latency: Record<string, unknown> = {};
  for (const [rate, qos] of [
    [2000, 0],
    [2000, 1],
    [200, 1],
  ] as const) {
    latencies.length = 0;
    const r = await step(rate, LATENCY_SECONDS, qos, 10);
    await sleep(1000);
    const sorted = [...latencies].sort((a, b) => a - b);
    const key = `${rate}/s qos${qos}`;
    latency[key] = {
      ...r,
      samples: sorted.length,
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? Number.NaN),
    };
    console.log('latency', key, latency[key]);
  }
  results['latency'] = latency;

  // 4. Throughput at QoS 0, stepped; stop after the first rate that is not sustained.
  const throughput = [];
  for (const rate of STEPS) {
    const r = await step(rate, STEP_SECONDS, 0, 0);
    throughput.push(r);
    console.log('throughput', r);
    if (!r.sustained) break;
    await sleep(1000);
  }
  results['throughput'] = throughput;
  results['sustainedQos0'] = Math.max(0, ...throughput.filter((r) => r.sustained).map((r) => r.handledPerSecond));
  results['ingest'] = { ...ingest.pipeline.stats, heapMiB: round(process.memoryUsage().heapUsed / 2 ** 20, 1) };

  worker.postMessage({ type: 'stop' });
  // Leave the broker as found: delete the retained anomaly states of the bench site.
  for (const { id } of (await db.query<{ id: string }>('select id::text as id from anomalies')).rows)
    await bms.publishAsync(topics.anomaly(siteId, id), '', { qos: 1, retain: true });
  await bms.endAsync();
  await ingest.stop();
  await db.close();
  await broker?.close();
  await mosquitto?.destroy();
  if (usePostgres) {
    const client = new pg.Client({ connectionString: config.database.url });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
  mkdirSync('.data', { recursive: true });
  writeFileSync('.data/bench-ingest.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
