import { type Config, checkDetectorRegistry, detectors, indexSite, type SiteFile } from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { createAnomalyPublisher } from './adapters/anomaly-publisher.ts';
import { createAnomalyStore } from './adapters/anomaly-store.pg.ts';
import { createDeadLetterSink } from './adapters/dead-letters.pg.ts';
import { startMqttSource } from './adapters/mqtt-source.ts';
import { createInfluxTelemetrySink } from './adapters/telemetry-sink.influx.ts';
import { createPgTelemetrySink } from './adapters/telemetry-sink.pg.ts';
import type { TelemetrySink } from './adapters/telemetry-sink.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { createPipeline } from './pipeline.ts';

export interface IngestDeps {
  readonly config: Config;
  readonly mqttUrl: string;
  readonly db: Db;
  readonly site: SiteFile;
  readonly log: Logger;
  readonly metrics?: IngestMetrics;
}

export interface RunningIngest {
  readonly metrics: IngestMetrics;
  readonly client: MqttClient;
  readonly telemetry: TelemetrySink;
  stop(): Promise<void>;
}

/** Composition of the ingest: the only place its adapters are constructed. */
export async function startIngest(deps: IngestDeps): Promise<RunningIngest> {
  const { config, db } = deps;
  const log = deps.log.child({ module: 'ingest' });
  checkDetectorRegistry(detectors);
  const metrics = deps.metrics ?? createIngestMetrics();
  const influx = config.influx.url;
  const telemetry =
    influx === undefined
      ? createPgTelemetrySink(db)
      : createInfluxTelemetrySink({ ...config.influx, url: influx }, log.child({ module: 'ingest.influx' }), {
          onDropped: (n) => metrics.telemetryDropped.inc(n),
        });

  let publish: ((change: Parameters<ReturnType<typeof createAnomalyPublisher>>[0]) => void) | undefined;
  const pipeline = createPipeline({
    site: indexSite(deps.site),
    detectors,
    detectorConfig: {},
    anomalies: createAnomalyStore(db),
    telemetry,
    deadLetters: createDeadLetterSink(db),
    onAnomalyChange: (change) => publish?.(change),
    metrics,
    log: log.child({ module: 'ingest.pipeline' }),
    config,
  });
  const client = await startMqttSource(
    pipeline,
    { mqtt: { ...config.mqtt, url: deps.mqttUrl }, clientId: config.ingest.clientId, siteId: deps.site.site.id },
    log,
  );
  publish = createAnomalyPublisher(client, log);
  log.info({ telemetry: influx ? 'influxdb' : 'embedded', site: deps.site.site.id }, 'ingest running');

  return {
    metrics,
    client,
    telemetry,
    async stop() {
      await client.endAsync();
      await telemetry.close();
    },
  };
}
