import type { Config, SiteFile } from '@dutyroom/domain';
import { type RunningIngest, startIngest } from '@dutyroom/ingest';
import { type Db, type Logger, loadCurrentSite, openDatabase } from '@dutyroom/platform';
import { type RunningServer, startServer } from '@dutyroom/server';
import { type DrillRunner, startDrillRunner } from '@dutyroom/simulators';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.ts';

export interface Stack {
  readonly broker: EmbeddedBroker | undefined;
  readonly mqttUrl: string;
  readonly db: Db;
  /** The site as the stack started: the latest revision of the site document (the file seeds revision 1). */
  readonly current: { readonly site: SiteFile; readonly revision: number };
  readonly ingest: RunningIngest;
  readonly server: RunningServer;
  /** 演练: plays the console's drills (demo mode, `simulator.drillRunner`). */
  readonly drillRunner: DrillRunner | undefined;
  stop(): Promise<void>;
}

/**
 * The whole product in one process: the embedded broker unless MQTT_URL names one, PGlite
 * unless DATABASE_URL names a server, then the ingest and the server sharing the database, and
 * in demo mode a drill runner for the console's drills (演练).
 * Used by `npm start` and by the integration and end-to-end tests.
 */
export async function startStack(options: {
  config: Config;
  site: SiteFile;
  log: Logger;
  consoleDir?: string | undefined;
  inMemoryDb?: boolean;
}): Promise<Stack> {
  const { config, site, log } = options;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log.error({ err: error }, 'stop failed'));
  };
  try {
    const broker = config.mqtt.url === undefined ? await startEmbeddedBroker(config.mqtt.embeddedHost, config.mqtt.embeddedPort) : undefined;
    if (broker) stops.push(() => broker.close());
    const mqttUrl = config.mqtt.url ?? broker?.url ?? '';
    const db = await openDatabase(config, { inMemory: options.inMemoryDb ?? false });
    stops.push(() => db.close());
    // The same loader the ingest and the server use: the drill runner and the demo player play the current revision too.
    const current = await loadCurrentSite(db, site);
    const ingest = await startIngest({ config, mqttUrl, db, site, log });
    stops.push(() => ingest.stop());
    const server = await startServer({ config, db, site, mqttUrl, log, consoleDir: options.consoleDir, extraMetrics: [ingest.metrics.registry] });
    stops.push(() => server.stop());
    const drillRunner =
      config.demo && config.simulator.drillRunner
        ? await startDrillRunner({ site: current.site, connection: { ...config.mqtt, url: mqttUrl }, clientId: `${config.server.clientId}-drill-runner` })
        : undefined;
    if (drillRunner) stops.push(() => drillRunner.stop());
    return { broker, mqttUrl, db, current: { site: current.site, revision: current.revision }, ingest, server, drillRunner, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
