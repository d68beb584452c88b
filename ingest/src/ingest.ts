import {
  type AnyDetector,
  type Config,
  checkDetectorRegistry,
  defaultIncidentPolicy,
  type HoldDownPolicy,
  type IncidentPolicy,
  detectors as registry,
  type SiteFile,
  type StormPolicy,
} from '@dutyroom/domain';
import { type Db, type Logger, loadCurrentSite } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { createAnomalyPublisher } from './adapters/anomaly-publisher.ts';
import { type AnomalyChange, createAnomalyStore } from './adapters/anomaly-store.pg.ts';
import { createDeadLetterSink } from './adapters/dead-letters.pg.ts';
import { createIncidentStore } from './adapters/incident-store.pg.ts';
import { startMqttSource } from './adapters/mqtt-source.ts';
import { createStateStore } from './adapters/state-store.pg.ts';
import { createInfluxTelemetrySink } from './adapters/telemetry-sink.influx.ts';
import { createPgTelemetrySink } from './adapters/telemetry-sink.pg.ts';
import type { TelemetrySink } from './adapters/telemetry-sink.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';
import { type BuildPipeline, buildForSite, createSiteFollower } from './site-follower.ts';

export interface IngestDeps {
  readonly config: Config;
  readonly mqttUrl: string;
  readonly db: Db;
  /** The site file: seeds revision 1 of the site document when the database has none (then the latest revision rules). */
  readonly site: SiteFile;
  readonly log: Logger;
  readonly metrics?: IngestMetrics;
  /** Defaults: the registry of domain/src/detectors. Tests add their own. */
  readonly detectors?: readonly AnyDetector[];
  readonly holdDown?: HoldDownPolicy;
  readonly storm?: StormPolicy;
  /** Defaults: `ingest.incidents` of the configuration. */
  readonly incidents?: IncidentPolicy;
  /** The clock of timers (tests set it); readings bring their own time. */
  readonly now?: () => number;
  /** How often detector timers run, and how often changed states are snapshotted. */
  readonly tickEveryMs?: number;
  readonly snapshotEveryMs?: number;
}

export interface RunningIngest {
  readonly metrics: IngestMetrics;
  readonly client: MqttClient;
  readonly telemetry: TelemetrySink;
  readonly pipeline: Pipeline;
  /** The revision of the site document running now (it follows console edits and imports). */
  readonly siteRevision: number;
  /** Resolves once every announced revision is applied (tests). */
  siteSettled(): Promise<void>;
  stop(): Promise<void>;
}

/** Composition of the ingest: the only place its adapters are constructed. */
export async function startIngest(deps: IngestDeps): Promise<RunningIngest> {
  const { config, db } = deps;
  const log = deps.log.child({ module: 'ingest' });
  const detectors = deps.detectors ?? registry;
  checkDetectorRegistry(detectors);
  const metrics = deps.metrics ?? createIngestMetrics();
  const now = deps.now ?? Date.now;
  const current = await loadCurrentSite(db, deps.site);
  const influx = config.influx.url;
  const telemetry =
    influx === undefined
      ? createPgTelemetrySink(db, log.child({ module: 'ingest.telemetry' }), { onRetry: () => metrics.storeRetries.inc({ what: 'telemetry' }) })
      : createInfluxTelemetrySink({ ...config.influx, url: influx }, log.child({ module: 'ingest.influx' }), {
          onDropped: (n) => metrics.telemetryDropped.inc(n),
        });

  let publish: ((change: AnomalyChange) => void) | undefined;
  const states = createStateStore(db);
  const anomalies = createAnomalyStore(db, states);
  const deadLetters = createDeadLetterSink(db, log.child({ module: 'ingest.dead-letters' }), {
    onRetry: () => metrics.storeRetries.inc({ what: 'dead-letter' }),
  });
  const incidents = createIncidentStore(db);
  const incidentPolicy: IncidentPolicy = deps.incidents ?? { ...defaultIncidentPolicy, ...config.ingest.incidents };
  let builds = 0;
  // Everything that depends on the site is built per revision (site-follower.ts swaps it).
  const build: BuildPipeline = (parts) =>
    createPipeline({
      ...parts,
      detectors,
      anomalies,
      states,
      telemetry,
      deadLetters,
      onAnomalyChange: (change) => publish?.(change),
      metrics,
      log: log.child({ module: 'ingest.pipeline' }),
      maxPayloadBytes: config.maxPayloadBytes,
      now,
      ...(deps.holdDown ? { holdDown: deps.holdDown } : {}),
      ...(deps.storm ? { storm: deps.storm } : {}),
      incidents,
      incidentPolicy,
      // A share group gives other workers part of the site's devices (docs/scaling.md).
      partialView: config.scale.shareGroup !== undefined,
      // The first build is the start; every later one a revision replacing the running site.
      ...(builds++ > 0 ? { siteRevisionAt: now() } : {}),
    });
  const first = buildForSite(current.site, current.revision, detectors, build, log);
  const site = first.site;
  const follower = createSiteFollower({ db, first, detectors, build, log });
  const pipeline = follower.pipeline;
  await pipeline.start();

  const source = await startMqttSource(
    pipeline,
    {
      mqtt: { ...config.mqtt, url: deps.mqttUrl },
      clientId: config.ingest.clientId,
      // Read on every (re)connect: the current revision's filters.
      get filters() {
        return follower.filters;
      },
      shareGroup: config.scale.shareGroup,
      control: follower.control,
    },
    log,
  );
  const client = source.client;
  follower.attach(client, config.scale.shareGroup);
  publish = createAnomalyPublisher(client, log);

  let ticking: Promise<void> | undefined;
  const tickTimer = setInterval(() => {
    ticking ??= pipeline
      .tick(now())
      .catch((error: unknown) => log.error({ err: error }, 'tick failed'))
      .finally(() => {
        ticking = undefined;
      });
  }, deps.tickEveryMs ?? 1000);
  const snapshotTimer = setInterval(() => void pipeline.snapshot(), deps.snapshotEveryMs ?? 5000);
  tickTimer.unref();
  snapshotTimer.unref();
  log.info(
    { telemetry: influx ? 'influxdb' : 'embedded', site: site.siteId, siteRevision: current.revision, detectors: detectors.map((d) => d.id) },
    'ingest running',
  );

  return {
    metrics,
    client,
    telemetry,
    pipeline,
    get siteRevision() {
      return follower.revision;
    },
    siteSettled: () => follower.settled(),
    async stop() {
      clearInterval(tickTimer);
      clearInterval(snapshotTimer);
      // Stop taking messages (those not acknowledged are redelivered to the next start), finish
      // storing what was taken, publish its anomaly events, then leave the broker.
      source.pause();
      await follower.settled();
      await ticking;
      await pipeline.drain();
      // Everything, in bounded rounds (a database that is gone must not hold the shutdown forever).
      for (let round = 0; round < 1000 && pipeline.stats.dirty > 0; round++) if ((await pipeline.snapshot()) === 0) break;
      await telemetry.close();
      await client.endAsync();
    },
  };
}
