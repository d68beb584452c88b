import { type Roster, responsibleFor } from '../access/coverage.ts';
import type { Severity } from '../model/anomaly.ts';
import type { WebhookConfig } from '../site/notify-schema.ts';
import type { SiteIndex } from '../site/site-index.ts';

/** What routing needs to know about an anomaly. */
export interface RoutableAnomaly {
  readonly unitId: string | null;
  readonly deviceId: string | null;
  readonly severity: Severity;
  readonly drill: boolean;
}

/**
 * The grid an anomaly belongs to: its unit's grid; for a device outside units, the grid of its
 * public area (公共区域 route by area) or its building. Null when neither is known.
 */
export function gridOfAnomaly(site: Pick<SiteIndex, 'unit' | 'device'>, anomaly: Pick<RoutableAnomaly, 'unitId' | 'deviceId'>): string | null {
  if (anomaly.unitId !== null) {
    const unit = site.unit(anomaly.unitId);
    if (unit !== undefined && unit.gridId !== '') return unit.gridId;
  }
  if (anomaly.deviceId !== null) {
    const device = site.device(anomaly.deviceId);
    if (device !== undefined && device.gridId !== '') return device.gridId;
  }
  return null;
}

export interface Route {
  readonly gridId: string | null;
  /** The grid's steward, or the on-duty steward standing in; undefined when nobody is on duty. */
  readonly steward: { readonly personId: string; readonly standIn: boolean } | undefined;
  /** Always: the control room sees every anomaly (SPEC §7). */
  readonly controlRoom: true;
  /** Group robots of the site that take this severity; none for drills. */
  readonly webhooks: readonly WebhookConfig[];
}

/** Routes an anomaly (SPEC §7): grid steward or on-duty stand-in, control room always, webhooks by severity. */
export function routeAnomaly(anomaly: RoutableAnomaly, gridId: string | null, roster: Roster, webhooks: readonly WebhookConfig[], now: number): Route {
  const steward = gridId === null ? undefined : responsibleFor(roster, gridId, now);
  return {
    gridId,
    steward,
    controlRoom: true,
    // SPEC §8: drill events never page outside the site.
    webhooks: anomaly.drill ? [] : webhooks.filter((w) => w.severities.includes(anomaly.severity)),
  };
}
