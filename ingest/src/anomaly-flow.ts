import {
  type DetectorEvent,
  type DeviceContext,
  defaultHoldDownPolicy,
  defaultIncidentPolicy,
  defaultStormPolicy,
  type HoldDownPolicy,
  holdDownMs,
  INCIDENT_RULE,
  type IncidentPolicy,
  isGatewayOutage,
  type SiteIndex,
  type StormPolicy,
  stormVerdict,
} from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';
import { type AnomalyChange, type AnomalyStore, type AnomalyWork, type ApplyPolicy, anomalyKey } from './adapters/anomaly-store.pg.ts';
import type { IncidentStore } from './adapters/incident-store.pg.ts';
import { IncidentCorrelator } from './incident-correlator.ts';
import type { IngestMetrics } from './metrics.ts';

export interface AnomalyFlowDeps {
  readonly site: SiteIndex;
  readonly store: AnomalyStore;
  /** Told after the change is committed (persist, then publish). */
  readonly onAnomalyChange: (change: AnomalyChange) => void;
  readonly metrics: IngestMetrics;
  readonly log: Logger;
  readonly holdDown?: HoldDownPolicy;
  readonly storm?: StormPolicy;
  /** Incident grouping (docs/ingest.md §5): without a store, no incidents. */
  readonly incidents?: {
    readonly store: IncidentStore;
    readonly policy?: IncidentPolicy;
    /** Other workers receive part of this site's devices (a share group). */
    readonly partialView?: boolean;
    /** Epoch ms this pipeline's site-data revision replaced a running one. */
    readonly siteRevisionAt?: number;
  };
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Attempts at grouping an open into an incident before it is left to stand alone (it is committed already). */
const INCIDENT_ATTEMPTS = 3;

const outageKey = (gatewayId: string, drill: boolean) => `${gatewayId}${drill ? '#drill' : ''}`;

/**
 * Everything that touches anomalies goes through one queue, in arrival order: two messages that
 * raise the same (rule, subject) at once are applied one after the other, so the second finds the
 * first's anomaly open and repeats it. Across ingest workers the partial unique index and
 * `select … for update` do the same (docs/ingest.md).
 */
export class AnomalyFlow {
  private chain: Promise<unknown> = Promise.resolve();
  /** Open gateway outages: gateway id (+ `#drill`) → dedup key of its anomaly. */
  private readonly outages = new Map<string, string>();
  private nextClearDueAt: number | undefined;
  private readonly storm: StormPolicy;
  private readonly policy: ApplyPolicy;
  readonly incidents: IncidentCorrelator | undefined;

  constructor(private readonly deps: AnomalyFlowDeps) {
    const hold = deps.holdDown ?? defaultHoldDownPolicy;
    const grouping = deps.incidents;
    this.incidents =
      grouping &&
      new IncidentCorrelator({
        site: deps.site,
        store: grouping.store,
        policy: grouping.policy ?? defaultIncidentPolicy,
        partialView: grouping.partialView ?? false,
        siteRevisionAt: grouping.siteRevisionAt,
      });
    this.storm = deps.storm ?? defaultStormPolicy;
    this.policy = {
      holdDownMs: (rule) => holdDownMs(hold, rule),
      foldInto: (event: DetectorEvent, device: DeviceContext, drill: boolean) => {
        const verdict = stormVerdict(event, device, (gatewayId) => this.outages.has(outageKey(gatewayId, drill)), this.storm);
        return verdict.kind === 'fold' ? this.outages.get(outageKey(verdict.gatewayId, drill)) : undefined;
      },
    };
  }

  /** Keeps the map of open gateway outages in step with committed changes. */
  private trackOutage(rule: string, deviceId: string | null, drill: boolean, key: string, open: boolean): void {
    if (deviceId === null || !isGatewayOutage(rule, this.deps.site.device(deviceId), this.storm)) return;
    if (open) this.outages.set(outageKey(deviceId, drill), key);
    else this.outages.delete(outageKey(deviceId, drill));
  }

  /** After a restart: which gateways are out, and when the next held-down clear is due. */
  async restore(): Promise<void> {
    const incidentPrefix = `${this.deps.site.siteId}:${INCIDENT_RULE}:`;
    for (const open of await this.deps.store.openAnomalies(this.deps.site.siteId)) {
      this.trackOutage(open.rule, open.deviceId, open.drill, open.dedupKey, true);
      // An incident's key is `<site>:incident:<memberRule>:<scope>`; rule ids hold no colon.
      const memberRule = open.dedupKey.startsWith(incidentPrefix) ? open.dedupKey.slice(incidentPrefix.length).split(':')[0] : undefined;
      this.incidents?.track(open.rule, memberRule, open.id, open.drill, true);
    }
    this.nextClearDueAt = await this.deps.store.nextClearDue(this.deps.site.siteId);
  }

  /** Queues work behind everything queued before; resolves once it is committed and published. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  apply(work: AnomalyWork): Promise<void> {
    return this.enqueue(async () => {
      const result = await this.persistently('anomaly', () => this.deps.store.apply(work, this.policy));
      if (result.replay) return;
      if (result.folded > 0) this.deps.metrics.handled.inc({ rule: 'storm-fold' }, result.folded);
      for (const due of result.clearsDueAt) if (this.nextClearDueAt === undefined || due < this.nextClearDueAt) this.nextClearDueAt = due;
      this.publish(result.changes);
      await this.group(result.changes);
    });
  }

  /** Applies held-down clears whose time has come (called by the tick). */
  clearDue(now: number): Promise<void> {
    if (this.nextClearDueAt === undefined || this.nextClearDueAt > now) return Promise.resolve();
    return this.enqueue(async () => {
      const { changes, nextDueAt } = await this.persistently('anomaly', () => this.deps.store.clearDue(this.deps.site.siteId, now));
      this.nextClearDueAt = nextDueAt;
      this.publish(changes);
      await this.group(changes);
    });
  }

  /**
   * Incidents after the changes are committed and published: the members stand on their own until
   * grouped, so a grouping that fails (after a few attempts) leaves them as they would be without it.
   */
  private async group(changes: readonly AnomalyChange[]): Promise<void> {
    const incidents = this.incidents;
    if (incidents === undefined || changes.length === 0) return;
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        this.publish(await incidents.follow(changes));
        return;
      } catch (error) {
        this.deps.metrics.storeRetries.inc({ what: 'incident' });
        this.deps.log.error({ err: error, attempt }, 'incident grouping failed');
        if (attempt >= INCIDENT_ATTEMPTS) return;
        await sleep(25 * 2 ** attempt);
      }
    }
  }

  private publish(changes: readonly AnomalyChange[]): void {
    const { metrics, log } = this.deps;
    for (const change of changes) {
      const { siteId, rule, subject, drill, deviceId } = change.anomaly;
      const key = anomalyKey(siteId, rule, subject, drill);
      this.trackOutage(rule, deviceId, drill, key, change.change !== 'cleared');
      const memberRule = change.anomaly.evidence['memberRule'];
      this.incidents?.track(rule, typeof memberRule === 'string' ? memberRule : undefined, change.anomaly.id, drill, change.change !== 'cleared');
      metrics.anomalyChanges.inc({ rule: change.anomaly.rule, change: change.change });
      if (change.via === 'flap') metrics.handled.inc({ rule: 'flap' });
      log.info({ dedupKey: key, change: change.change, via: change.via, anomalyId: change.anomaly.id, drill: change.anomaly.drill }, 'anomaly');
      this.deps.onAnomalyChange(change);
    }
  }

  private async persistently<T>(what: string, store: () => Promise<T>): Promise<T> {
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        return await store();
      } catch (error) {
        this.deps.metrics.storeRetries.inc({ what });
        this.deps.log.error({ err: error, what, attempt }, 'store failed; retrying before the message is acknowledged');
        await sleep(Math.min(5000, 25 * 2 ** attempt));
      }
    }
  }
}
