import { createMessageDecoder, detectors, indexSite, topics } from '@dutyroom/domain';
import { createAnomalyStore, createConfigResolver, createDeadLetterSink, createIngestMetrics, createPipeline, createStateStore } from '@dutyroom/ingest';
import { createLogger, openDatabase } from '@dutyroom/platform';
import { benchSite } from './bench-site.ts';

const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

/**
 * Per-meter memory of the ingest: `meters` simulated meters each send two readings through the real
 * pipeline (every detector), so every state and timer exists; the heap grows by what they hold.
 * Needs `node --expose-gc` for a clean figure.
 */
export async function measureStateMemory(meters: number) {
  const siteId = 'mem';
  const file = benchSite(siteId, meters);
  const site = { ...indexSite(file), sources: file.sources };
  const db = await openDatabase({ database: { schema: 'public' }, dataDir: '.data/unused' }, { inMemory: true });
  const states = createStateStore(db);
  const pipeline = createPipeline({
    site,
    decode: createMessageDecoder(site),
    detectors,
    configFor: createConfigResolver(file, detectors),
    anomalies: createAnomalyStore(db, states),
    states,
    telemetry: { write: async () => undefined, flush: async () => undefined, close: async () => undefined },
    deadLetters: createDeadLetterSink(db),
    onAnomalyChange: () => {},
    metrics: createIngestMetrics(),
    log: createLogger('silent'),
    maxPayloadBytes: 65536,
    // Idempotency keys are a fixed-size cache, not per meter: keep it out of the per-meter figure.
    recentKeys: 1,
  });
  await pipeline.start();
  const ids = site.devices.map((d) => d.device.id);
  const t0 = Date.now() - 3_600_000;
  const before = heap();
  for (const round of [0, 1]) {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      await pipeline.onMessage(
        topics.deviceMessage(siteId, id, 'reading'),
        Buffer.from(`{"ts":${t0 + round * 60_000 + i},"total":${100 + round * 0.001}}`),
        Date.now(),
      );
    }
  }
  // Steady state: the changed-since-snapshot set is emptied every 5 s in the running ingest.
  while (pipeline.stats.dirty > 0) await pipeline.snapshot();
  const after = heap();
  const saved = await db.query<{ n: number; bytes: number }>(
    'select count(*)::int as n, coalesce(sum(length(state::text)), 0)::int as bytes from detector_states',
  );
  const stats = pipeline.stats;
  await db.close();
  return {
    meters: ids.length,
    detectorStates: stats.states,
    timers: stats.timers,
    heapBytesPerMeter: Math.round((after - before) / ids.length),
    snapshotJsonBytesPerMeter: Math.round((saved.rows[0]?.bytes ?? 0) / ids.length),
    gcExposed: gc !== undefined,
  };
}

// `node --expose-gc --import tsx test/bench/state-memory.ts [meters]`: the memory figure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureStateMemory(Number(process.argv[2] ?? 100_000))));
}
