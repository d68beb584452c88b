import { hostname } from 'node:os';
import type { Config, SiteFile } from '@dutyroom/domain';
import type { Db } from '@dutyroom/platform';
import { type IngestDeps, type RunningIngest, startIngest } from './ingest.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { type LeaseSession, openLeaseSession } from './partition-leases.ts';

/**
 * Several ingest workers share the load by site: each site (its MQTT session, its detector states,
 * its timers) runs on exactly one worker at a time. Ownership is a PostgreSQL advisory lock held by
 * the worker's lease connection, so a worker killed with -9 loses its sites with its connection and
 * a live worker takes them over on its next lease round: it restores the site's detector states and
 * timers from `detector_states` (timers that fell due meanwhile fire on the first tick) and resumes
 * the site's persistent MQTT session (client id `<ingest.clientId>-<site>`), in which the broker
 * kept every message not yet acknowledged. docs/scaling.md.
 */
export interface IngestWorker {
  readonly workerId: string;
  readonly metrics: IngestMetrics;
  /** Sites this worker runs now. */
  owned(): readonly string[];
  /** The running ingest of an owned site (tests look inside). */
  ingestOf(siteId: string): RunningIngest | undefined;
  /** One lease round now (normally every `scale.leaseCheckMs`). */
  rebalance(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorkerDeps extends Omit<IngestDeps, 'site' | 'metrics'> {
  readonly sites: readonly SiteFile[];
  /** A Db for the lease connection (PostgreSQL only); the worker closes it. Without it: every site, no leases. */
  readonly leaseDb?: () => Promise<Db>;
}

/** The advisory-lock key of a site's lease (namespaced, so other lock users never collide with it). */
export const leaseKey = (siteId: string) => `dutyroom-ingest:${siteId}`;

/** The persistent MQTT session of a site: the same on whichever worker runs it. */
export const siteClientId = (config: Config, siteId: string) => `${config.ingest.clientId}-${siteId}`;

export async function startIngestWorker(deps: WorkerDeps): Promise<IngestWorker> {
  const workerId = deps.config.scale.workerId ?? `${hostname()}:${process.pid}`;
  const log = deps.log.child({ worker: workerId });
  const metrics = createIngestMetrics();
  const running = new Map<string, RunningIngest>();
  const leased = deps.leaseDb !== undefined;
  let session: LeaseSession | undefined;
  let stopped = false;
  let round: Promise<void> | undefined;
  /** Fair share: past `sitesPerWorker` a free site is taken only once it stayed free for a grace time. */
  const freeSince = new Map<string, number>();
  const limit = deps.config.scale.sitesPerWorker;
  const graceMs = 3 * deps.config.scale.leaseCheckMs;

  const startSite = async (site: SiteFile) => {
    const siteId = site.site.id;
    const config = leased ? { ...deps.config, ingest: { ...deps.config.ingest, clientId: siteClientId(deps.config, siteId) } } : deps.config;
    const ingest = await startIngest({ ...deps, config, site, metrics, log });
    running.set(siteId, ingest);
    log.info({ site: siteId }, leased ? 'site leased: running it' : 'running site');
  };

  /** The lease connection is gone: another worker may own these sites now, so stop acknowledging at once. */
  const abandonAll = (reason: unknown) => {
    log.error({ err: reason, sites: [...running.keys()] }, 'site leases lost; dropping the sites (unacknowledged messages stay with the broker)');
    session = undefined;
    for (const [siteId, ingest] of running) {
      running.delete(siteId);
      ingest.client.end(true);
      void ingest.stop().catch((error: unknown) => log.warn({ err: error, site: siteId }, 'abandoned site did not stop cleanly'));
    }
  };

  const leaseRound = async () => {
    if (stopped) return;
    if (leased && session === undefined) {
      try {
        const opened = await openLeaseSession(await (deps.leaseDb as () => Promise<Db>)(), log);
        session = opened;
        void opened.lost.then((error) => {
          if (session === opened) abandonAll(error);
        });
      } catch (error) {
        log.warn({ err: error }, 'lease connection failed; retrying');
        return;
      }
    }
    for (const site of deps.sites) {
      if (stopped || running.has(site.site.id)) continue;
      const current = session;
      if (leased && (current === undefined || !(await current.tryAcquire(leaseKey(site.site.id)).catch(() => false)))) continue;
      if (leased && limit > 0 && running.size >= limit) {
        const since = freeSince.get(site.site.id) ?? Date.now();
        freeSince.set(site.site.id, since);
        if (Date.now() - since < graceMs) {
          // Leave it to a worker below its share; take it if nobody has within the grace time.
          await current?.release(leaseKey(site.site.id)).catch(() => undefined);
          continue;
        }
      }
      freeSince.delete(site.site.id);
      try {
        await startSite(site);
      } catch (error) {
        log.error({ err: error, site: site.site.id }, 'site did not start; its lease is given back on the next round');
        await current?.release(leaseKey(site.site.id)).catch(() => undefined);
      }
    }
  };
  const rebalance = () => {
    round ??= leaseRound().finally(() => {
      round = undefined;
    });
    return round;
  };

  await rebalance();
  const timer = setInterval(() => void rebalance(), deps.config.scale.leaseCheckMs);
  timer.unref();

  return {
    workerId,
    metrics,
    owned: () => [...running.keys()],
    ingestOf: (siteId) => running.get(siteId),
    rebalance,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await round;
      await Promise.all([...running.values()].map((ingest) => ingest.stop()));
      running.clear();
      await session?.close();
    },
  };
}
