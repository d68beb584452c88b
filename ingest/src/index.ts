export { type AnomalyChange, createAnomalyStore } from './adapters/anomaly-store.pg.ts';
export { createInfluxTelemetrySink, toLineProtocol } from './adapters/telemetry-sink.influx.ts';
export { createPgTelemetrySink } from './adapters/telemetry-sink.pg.ts';
export { type IngestDeps, type RunningIngest, startIngest } from './ingest.ts';
export { createIngestMetrics, type IngestMetrics } from './metrics.ts';
export { createPipeline, type Pipeline } from './pipeline.ts';
