import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

/** Prometheus metrics of the ingest (docs/ingest.md lists them with their labels). */
export function createIngestMetrics(registry = new Registry()) {
  return {
    registry,
    messages: new Counter({
      name: 'dutyroom_ingest_messages_total',
      help: 'MQTT messages handled, by outcome: accepted, partial (some readings rejected), rejected, duplicate, ignored (nothing to read)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    readings: new Counter({
      name: 'dutyroom_ingest_readings_total',
      help: 'Readings accepted, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    rejections: new Counter({
      name: 'dutyroom_ingest_rejections_total',
      help: 'Rejections dead-lettered with the raw payload, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    handled: new Counter({
      name: 'dutyroom_ingest_handled_total',
      help: 'Input accepted under a documented rule: timestamp-future/timestamp-past (broker time used), storm-fold, flap',
      labelNames: ['rule'],
      registers: [registry],
    }),
    meterBreaks: new Counter({
      name: 'dutyroom_ingest_meter_breaks_total',
      help: 'Meter register steps that were not plain consumption, by kind: reset, replacement, rollover, backwards, jump, catch-up (docs/detectors.md § Meter arithmetic)',
      labelNames: ['kind'],
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
    backlog: new Gauge({
      name: 'dutyroom_ingest_backlog_messages',
      help: 'Messages received and not yet persisted',
      registers: [registry],
    }),
    detectorStates: new Gauge({
      name: 'dutyroom_ingest_detector_states',
      help: 'Detector states held in memory',
      registers: [registry],
    }),
    handleSeconds: new Histogram({
      name: 'dutyroom_ingest_handle_seconds',
      help: 'Time from receipt to the message being persisted',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}
