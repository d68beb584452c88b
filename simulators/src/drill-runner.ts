import { type DrillCatalog, type DrillRequest, type DrillStatus, drillRequestSchema, type SiteFile, topicFilters, topics } from '@dutyroom/domain';
import { connectMqtt, type MqttConnection, waitForConnect } from '@dutyroom/platform';
import { catalogEntry, type DrillPlay, playDrill } from './drill-runner-play.ts';
import type { Emitted } from './engine.ts';
import { loadScenarios } from './scenario.ts';
import type { Scenario } from './scenario-schema.ts';

export interface DrillRunnerOptions {
  readonly site: SiteFile;
  readonly connection: MqttConnection;
  /** The scenarios it may play; default: the shipped ones (simulators/scenarios/*.yaml). */
  readonly scenarios?: readonly Scenario[] | undefined;
  readonly clientId?: string | undefined;
  readonly seed?: number | undefined;
  readonly onEvent?: ((status: DrillStatus) => void) | undefined;
  readonly wallNow?: (() => number) | undefined;
}

export interface DrillRunner {
  readonly catalog: DrillCatalog;
  /** Drills still playing. */
  running(): number;
  stop(): Promise<void>;
}

const STATUS_EVERY_MS = 2000;

/**
 * 演练 runner (issue 7, SPEC §8): the console's drills are the simulators' YAML scenarios. It
 * publishes the scenarios this site can play (retained catalog, emptied by its last will when it
 * goes), takes requests from the server and plays each one (src/drill-runner-play.ts), publishing
 * the drill's status (retained): running with counts, then finished or failed.
 */
export async function startDrillRunner(options: DrillRunnerOptions): Promise<DrillRunner> {
  const wallNow = options.wallNow ?? Date.now;
  const siteId = options.site.site.id;
  const scenarios = options.scenarios ?? loadScenarios();
  const runnerId = options.clientId ?? `dutyroom-drills-${siteId}-${process.pid}`;
  const playable = scenarios.flatMap((s) => {
    const entry = catalogEntry(options.site, s, wallNow());
    return entry === undefined ? [] : [{ scenario: s, entry }];
  });
  const catalog: DrillCatalog = { siteId, runnerId, publishedAt: wallNow(), scenarios: playable.map((p) => p.entry) };
  const catalogTopic = topics.drillCatalog(siteId);
  const client = connectMqtt(options.connection, {
    clientId: runnerId,
    clean: true,
    // An empty retained payload deletes the catalog: the server then knows no runner is there.
    will: { topic: catalogTopic, payload: Buffer.alloc(0), qos: 1, retain: true },
  });
  await waitForConnect(client);

  const plays = new Map<string, DrillPlay>();
  const seen = new Set<string>();
  let stopped = false;
  const publishStatus = (status: DrillStatus) => {
    if (stopped) return;
    options.onEvent?.(status);
    client.publish(topics.drillStatus(siteId, status.drillId), JSON.stringify(status), { qos: 1, retain: true });
  };

  const run = (request: DrillRequest) => {
    const found = playable.find((p) => p.scenario.name === request.scenario);
    const startedAt = wallNow();
    const base = { drillId: request.drillId, scenario: request.scenario, startedAt, published: 0, failed: 0, unitIds: [], deviceIds: [] };
    if (found === undefined) {
      publishStatus({ ...base, state: 'failed', finishedAt: startedAt, error: `this runner cannot play "${request.scenario}" on ${siteId}` });
      return;
    }
    let published = 0;
    let failed = 0;
    const publish = (batch: readonly Emitted[]) => {
      for (const { message } of batch)
        client.publish(message.topic, message.payload, { qos: message.qos, retain: message.retain }, (error) => {
          if (error) failed += 1;
          else published += 1;
        });
    };
    let play: DrillPlay;
    try {
      play = playDrill({ site: options.site, scenario: found.scenario, seed: options.seed ?? startedAt, publish, wallNow });
    } catch (error) {
      publishStatus({ ...base, state: 'failed', finishedAt: wallNow(), error: (error as Error).message });
      return;
    }
    plays.set(request.drillId, play);
    const status = (state: DrillStatus['state']): DrillStatus => ({
      ...base,
      state,
      published,
      failed,
      unitIds: [...play.unitIds],
      deviceIds: [...play.deviceIds],
      finishedAt: state === 'running' ? null : wallNow(),
      error: null,
    });
    publishStatus(status('running'));
    const progress = setInterval(() => publishStatus(status('running')), STATUS_EVERY_MS);
    void play.finished.then(async () => {
      clearInterval(progress);
      plays.delete(request.drillId);
      // Let the last QoS 1 acknowledgements arrive before the counts are final.
      await new Promise((resolve) => setTimeout(resolve, 200));
      publishStatus(status('finished'));
    });
  };

  client.on('message', (_topic, payload) => {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const parsed = drillRequestSchema.safeParse(json);
    // A malformed request has no drill id to answer on; the server times out with a clear error.
    if (!parsed.success || seen.has(parsed.data.drillId)) return;
    seen.add(parsed.data.drillId);
    run(parsed.data);
  });
  await client.subscribeAsync(topicFilters.drillRequests(siteId), { qos: 1 });
  await client.publishAsync(catalogTopic, JSON.stringify(catalog), { qos: 1, retain: true });

  return {
    catalog,
    running: () => plays.size,
    async stop() {
      stopped = true;
      for (const play of plays.values()) play.stop();
      await client.publishAsync(catalogTopic, '', { qos: 1, retain: true }).catch(() => undefined);
      await client.endAsync();
    },
  };
}
