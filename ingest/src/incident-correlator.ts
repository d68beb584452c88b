import {
  type DeviceContext,
  type DeviceKind,
  decideIncident,
  fewestToGroup,
  INCIDENT_RULE,
  type IncidentPolicy,
  type IncidentScope,
  incidentMember,
  type SiteIndex,
  scopeText,
  watchedDevices,
} from '@dutyroom/domain';
import type { AnomalyChange } from './adapters/anomaly-store.pg.ts';
import type { IncidentStore } from './adapters/incident-store.pg.ts';

export interface IncidentCorrelatorDeps {
  readonly site: SiteIndex;
  readonly store: IncidentStore;
  readonly policy: IncidentPolicy;
  /**
   * True when other workers receive part of this site's devices (a share group): this worker's
   * own count of recent opens is then half the story, so every open asks the database.
   */
  readonly partialView: boolean;
  /** Epoch ms this pipeline's site-data revision was applied, when it replaced a running one. */
  readonly siteRevisionAt: number | undefined;
}

/** The host's clock moved against the monotonic clock by more than this: a time jump. */
const HOST_CLOCK_JUMP_MS = 30_000;

const windowKey = (rule: string, drill: boolean) => `${rule}${drill ? '#drill' : ''}`;

/**
 * Folds correlated opens into incidents (domain/src/anomalies/incident-grouping.ts), after the
 * opens are committed. The hot path stays as it was: a reading that opens nothing never gets here,
 * and an open asks the database only when this worker's sliding count of recent opens of its rule
 * could make an incident, when an incident of the rule is open, or when the view is partial.
 */
export class IncidentCorrelator {
  /** Open times (reading time) of recent opens seen here, per rule (+ `#drill`), oldest first. */
  private readonly recent = new Map<string, number[]>();
  /** Open incidents per member rule (+ `#drill`). */
  private readonly open = new Map<string, Set<string>>();
  private readonly devices: readonly DeviceContext[];
  private readonly watchedCache = new Map<string, number>();
  private readonly windowMs: number;
  private clockJumpAt: number | undefined;
  private hostOffset: number | undefined;

  constructor(private readonly deps: IncidentCorrelatorDeps) {
    this.devices = deps.site.devices;
    this.windowMs = deps.policy.windowSeconds * 1000;
  }

  /** A reading whose clock had to be replaced, or a jump of the host's clock. */
  noteClockJump(at: number): void {
    if (this.clockJumpAt === undefined || at > this.clockJumpAt) this.clockJumpAt = at;
  }

  /** Called every tick: the wall clock against the monotonic one. */
  watchHostClock(wallNow: number, monotonicNow: number): void {
    const offset = wallNow - monotonicNow;
    if (this.hostOffset !== undefined && Math.abs(offset - this.hostOffset) > HOST_CLOCK_JUMP_MS) this.noteClockJump(wallNow);
    this.hostOffset = offset;
  }

  /** Keeps the set of open incidents in step with committed changes (and a restart's open rows). */
  track(rule: string, memberRule: string | undefined, id: string, drill: boolean, open: boolean): void {
    if (rule !== INCIDENT_RULE || memberRule === undefined) return;
    const key = windowKey(memberRule, drill);
    const ids = this.open.get(key) ?? new Set<string>();
    if (open) {
      ids.add(id);
      this.open.set(key, ids);
    } else ids.delete(id);
  }

  /** The changes that follow committed ones: incidents formed, joined, recounted or cleared. */
  async follow(changes: readonly AnomalyChange[]): Promise<AnomalyChange[]> {
    const more: AnomalyChange[] = [];
    const refresh = new Map<string, { id: string; memberRule: string; drill: boolean }>();
    for (const { change, anomaly, via } of changes) {
      if (anomaly.rule === INCIDENT_RULE) continue;
      if (change === 'cleared' && anomaly.incidentId !== null) {
        refresh.set(anomaly.incidentId, { id: anomaly.incidentId, memberRule: anomaly.rule, drill: anomaly.drill });
        continue;
      }
      if (change !== 'opened' || via !== 'open' || this.deps.policy.neverGrouped.includes(anomaly.rule)) continue;
      if (!this.worthAsking(anomaly.rule, anomaly.drill, anomaly.openedAt)) continue;
      const found = await this.deps.store.correlate(
        {
          siteId: anomaly.siteId,
          rule: anomaly.rule,
          drill: anomaly.drill,
          memberId: anomaly.id,
          openedAt: anomaly.openedAt,
          readingTs: anomaly.readingTs,
          severity: anomaly.severity,
          windowMs: this.windowMs,
        },
        (unassigned, incidents) => {
          const members = unassigned.map((m) =>
            incidentMember(m.id, m.deviceId === null ? undefined : this.deps.site.device(m.deviceId), m.deviceId, m.openedAt),
          );
          const member = members.find((m) => m.id === anomaly.id) ?? incidentMember(anomaly.id, undefined, anomaly.deviceId, anomaly.openedAt);
          return decideIncident(
            {
              rule: anomaly.rule,
              member,
              unassigned: members,
              incidents,
              watched: (scope, kinds) => this.watched(scope, kinds),
              clockJumpAt: this.clockJumpAt,
              siteRevisionAt: this.deps.siteRevisionAt,
            },
            this.deps.policy,
          );
        },
      );
      more.push(...found);
    }
    if (refresh.size > 0) more.push(...(await this.deps.store.refresh(this.deps.site.siteId, [...refresh.values()])));
    return more;
  }

  /** Counts the open in this worker's window and says whether the database must decide. */
  private worthAsking(rule: string, drill: boolean, openedAt: number): boolean {
    const key = windowKey(rule, drill);
    const times = this.recent.get(key) ?? [];
    this.recent.set(key, times);
    let at = times.length;
    while (at > 0 && (times[at - 1] as number) > openedAt) at--;
    times.splice(at, 0, openedAt);
    const newest = times.at(-1) as number;
    let stale = 0;
    while (stale < times.length && (times[stale] as number) < newest - this.windowMs) stale++;
    if (stale > 0) times.splice(0, stale);
    if (this.deps.partialView || (this.open.get(key)?.size ?? 0) > 0) return true;
    const near = times.filter((t) => Math.abs(t - openedAt) <= this.windowMs).length;
    return near >= fewestToGroup(this.deps.policy);
  }

  private watched(scope: IncidentScope, kinds: ReadonlySet<DeviceKind>): number {
    const key = `${scopeText(scope)}|${[...kinds].sort().join(',')}`;
    let count = this.watchedCache.get(key);
    if (count === undefined) {
      count = watchedDevices(this.devices, scope, kinds);
      this.watchedCache.set(key, count);
    }
    return count;
  }
}
