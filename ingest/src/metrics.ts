import { Counter, Histogram, Registry } from 'prom-client';

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

export function createIngestMetrics(registry = new Registry()) {
  return {
    registry,
    messages: new Counter({
      name: 'dutyroom_ingest_messages_total',
      help: 'MQTT messages handled, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    rejections: new Counter({
      name: 'dutyroom_ingest_rejections_total',
      help: 'Messages rejected and dead-lettered, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    anomalyChanges: new Counter({
      name: 'dutyroom_ingest_anomaly_changes_total',
      help: 'Anomalies opened, updated and cleared',
      labelNames: ['rule', 'change'],
      registers: [registry],
    }),
    detectorErrors: new Counter({
      name: 'dutyroom_ingest_detector_errors_total',
      help: 'Detectors that threw',
      labelNames: ['detector'],
      registers: [registry],
    }),
    storeRetries: new Counter({
      name: 'dutyroom_ingest_store_retries_total',
      help: 'Failed attempts to store, retried before acking',
      labelNames: ['what'],
      registers: [registry],
    }),
    telemetryDropped: new Counter({
      name: 'dutyroom_ingest_telemetry_dropped_total',
      help: 'Telemetry lines dropped because the InfluxDB buffer was full',
      registers: [registry],
    }),
    handleSeconds: new Histogram({
      name: 'dutyroom_ingest_handle_seconds',
      help: 'Time from receipt to the message being persisted and acknowledged',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}
