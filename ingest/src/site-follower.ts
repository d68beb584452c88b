import {
  type AnyDetector,
  createMessageDecoder,
  indexSite,
  type SiteFile,
  type SiteIndex,
  siteRevisionEventSchema,
  subscriptionFilters,
  topicFilters,
  topics,
} from '@dutyroom/domain';
import { type Logger, type Queryable, siteRevisionAt } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { subscriptionsOf } from './adapters/mqtt-source.ts';
import { createOccupancyFollower, type OccupancyFollower } from './adapters/occupancy-follower.ts';
import type { Pipeline, PipelineDeps } from './pipeline.ts';
import { createConfigResolver } from './rule-config.ts';

/**
 * Follows the site document's revisions (console edits and imports) without a restart: the server
 * announces a saved revision on `dutyroom/v1/<site>/site/revision` (retained); this loads it from
 * the database and swaps the pipeline. The swap holds new messages and ticks, drains the old
 * pipeline, saves every changed detector state, starts a new pipeline on the new site (which
 * restores those states, as a restart would), re-applies the occupancy edits seen so far and
 * changes the broker subscriptions to the new site's filters. docs/ingest.md §Site revisions.
 */

/** What depends on the site: rebuilt for each revision. */
export interface SiteBuild {
  readonly revision: number;
  readonly site: SiteIndex & { readonly sources: SiteFile['sources'] };
  readonly filters: readonly string[];
  readonly pipeline: Pipeline;
  readonly occupancy: OccupancyFollower;
}

export type BuildPipeline = (parts: Pick<PipelineDeps, 'site' | 'decode' | 'configFor'>) => Pipeline;

export function buildForSite(file: SiteFile, revision: number, detectors: readonly AnyDetector[], build: BuildPipeline, log: Logger): SiteBuild {
  // The normalizers read the site's `sources` (topic bases, ecosystem settings).
  const site = { ...indexSite(file), sources: file.sources };
  const pipeline = build({ site, decode: createMessageDecoder(site), configFor: createConfigResolver(file, detectors) });
  return { revision, site, filters: subscriptionFilters(site), pipeline, occupancy: createOccupancyFollower(site, log.child({ module: 'ingest.occupancy' })) };
}

export interface SiteFollower {
  /** The pipeline the MQTT source and the timers call: always the current revision's. */
  readonly pipeline: Pipeline;
  /** The MQTT source's control: occupancy edits and site revisions. */
  readonly control: { readonly filter: string; claims(topic: string): boolean; handle(topic: string, payload: Buffer): unknown };
  readonly filters: readonly string[];
  readonly revision: number;
  /** The site index of the running revision. */
  readonly site: SiteIndex;
  /** Subscribes the revision topic now and on every reconnect (the source subscribes the rest). */
  attach(client: MqttClient, shareGroup: string | undefined): void;
  /** Resolves once the swaps asked for so far are done. */
  settled(): Promise<void>;
}

export function createSiteFollower(deps: {
  readonly db: Queryable;
  readonly first: SiteBuild;
  readonly detectors: readonly AnyDetector[];
  readonly build: BuildPipeline;
  readonly log: Logger;
}): SiteFollower {
  const log = deps.log.child({ module: 'ingest.site-follower' });
  const siteId = deps.first.site.siteId;
  const revisionTopic = topics.siteRevision(siteId);
  let active = deps.first;
  /** Set from an announcement until its swap is done: messages and ticks wait for the new pipeline. */
  let swapping: Promise<void> | undefined;
  let queue: Promise<void> = Promise.resolve();
  let wanted = active.revision;
  let client: MqttClient | undefined;
  let shareGroup: string | undefined;
  /** The last occupancy edit per unit topic, applied again to each new site index. */
  const occupancyEdits = new Map<string, Buffer>();

  const swapTo = async (revision: number) => {
    if (revision <= active.revision) return;
    const stored = await siteRevisionAt(deps.db, siteId, revision);
    if (stored === undefined) {
      log.warn({ revision }, 'announced site revision is not in the database; ignored');
      return;
    }
    let next: SiteBuild;
    try {
      next = buildForSite(stored.site, revision, deps.detectors, deps.build, deps.log);
    } catch (error) {
      log.error({ err: error, revision }, 'site revision cannot run; the ingest keeps the previous one');
      return;
    }
    const previous = active;
    await previous.pipeline.drain();
    for (let round = 0; round < 1000 && previous.pipeline.stats.dirty > 0; round++) if ((await previous.pipeline.snapshot()) === 0) break;
    await next.pipeline.start();
    for (const [topic, payload] of occupancyEdits) next.occupancy.handle(topic, payload);
    active = next;
    await resubscribe(previous.filters, next.filters);
    log.info({ revision, devices: next.site.devices.length }, 'site revision applied');
  };

  const resubscribe = async (before: readonly string[], after: readonly string[]) => {
    if (client === undefined) return;
    const added = after.filter((f) => !before.includes(f));
    const removed = before.filter((f) => !after.includes(f));
    if (added.length > 0) await client.subscribeAsync(subscriptionsOf({ filters: added, shareGroup }), { qos: 1 });
    if (removed.length > 0) await client.unsubscribeAsync(subscriptionsOf({ filters: removed, shareGroup }));
  };

  const onRevision = (payload: Buffer) => {
    if (payload.length === 0) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = siteRevisionEventSchema.safeParse(json);
    if (!parsed.success || parsed.data.siteId !== siteId) {
      log.warn({ topic: revisionTopic }, 'ignored a malformed site revision announcement');
      return;
    }
    if (parsed.data.revision <= wanted) return;
    wanted = parsed.data.revision;
    // From the announcement on, messages and ticks wait for the swap (or for its failure: then the old pipeline takes them).
    const run = queue.then(() => swapTo(parsed.data.revision)).catch((error: unknown) => log.error({ err: error }, 'site revision swap failed'));
    queue = run;
    const hold: Promise<void> = run.finally(() => {
      if (swapping === hold) swapping = undefined;
    });
    swapping = hold;
  };

  const wait = <T>(run: () => Promise<T>): Promise<T> => (swapping === undefined ? run() : swapping.then(run));
  const pipeline: Pipeline = {
    start: () => active.pipeline.start(),
    onMessage: (topic, payload, receivedAt) =>
      swapping === undefined
        ? active.pipeline.onMessage(topic, payload, receivedAt)
        : swapping.then(() => active.pipeline.onMessage(topic, payload, receivedAt)),
    tick: (now) => wait(() => active.pipeline.tick(now)),
    snapshot: () => wait(() => active.pipeline.snapshot()),
    drain: () => wait(() => active.pipeline.drain()),
    get stats() {
      return active.pipeline.stats;
    },
  };

  return {
    pipeline,
    control: {
      filter: topicFilters.unitOccupancy(siteId),
      claims: (topic) => topic === revisionTopic || active.occupancy.claims(topic),
      handle(topic, payload) {
        if (topic === revisionTopic) return onRevision(payload);
        occupancyEdits.set(topic, payload);
        return active.occupancy.handle(topic, payload);
      },
    },
    get filters() {
      return active.filters;
    },
    get revision() {
      return active.revision;
    },
    get site() {
      return active.site;
    },
    attach(c, group) {
      client = c;
      shareGroup = group;
      const subscribe = () =>
        void c.subscribeAsync(revisionTopic, { qos: 1 }).catch((error: unknown) => log.error({ err: error }, 'site revision subscribe failed'));
      subscribe();
      c.on('connect', subscribe);
    },
    settled: () => queue,
  };
}
