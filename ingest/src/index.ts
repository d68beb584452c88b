export { type AnomalyChange, type AnomalyStore, createAnomalyStore } from './adapters/anomaly-store.pg.ts';
export { createDeadLetterSink } from './adapters/dead-letters.pg.ts';
export { createStateStore } from './adapters/state-store.pg.ts';
export { createInfluxTelemetrySink, toLineProtocol } from './adapters/telemetry-sink.influx.ts';
export { createPgTelemetrySink } from './adapters/telemetry-sink.pg.ts';
export { type IngestDeps, type RunningIngest, startIngest } from './ingest.ts';
export { createIngestMetrics, type IngestMetrics } from './metrics.ts';
export { createPipeline, type Pipeline, type PipelineDeps } from './pipeline.ts';
export { createConfigResolver } from './rule-config.ts';
