import { INCIDENT_RULE } from '../detectors/rule-ids.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { DeviceKind } from '../site/site-schema.ts';
import { gatewayOf } from './storm.ts';

/**
 * Incident grouping (issue 14): anomalies of one rule that open together in numbers, or share a
 * cause, fold into ONE incident anomaly (rule `incident`) with the member count and a timeline.
 * The members keep their own rows and point at the incident (`incidentId`); the server gives the
 * incident one work order and one push, the console one card that expands.
 *
 * A new open of rule R (same drill flag) is decided in this order:
 *
 * | # | condition                                                                 | decision                                          |
 * | - | ------------------------------------------------------------------------- | ------------------------------------------------- |
 * | 1 | R is never grouped (`incident` itself, or listed in `neverGrouped`)         | alone                                             |
 * | 2 | an open incident of R whose scope covers the device                        | join it                                           |
 * | 3 | an open incident of R still active (its last member opened within window)  | join it and widen its scope to `site`             |
 * | 4 | ≥ `siteMinDevices` devices opened R within the window, none in an incident  | form an incident, scope `site`                    |
 * | 5 | behind the device's gateway: ≥ `scopeShare` of the devices R watches there, at least `scopeMinDevices` | form, scope `gateway:<id>` |
 * | 6 | in the device's building: ≥ `scopeShare` of the devices R watches there, at least `scopeMinDevices`    | form, scope `building:<id>` |
 * | 7 | otherwise                                                                 | alone                                             |
 *
 * "The devices R watches" are the site's devices of the kinds that raised R among the members (a
 * counter-backwards storm of water meters is measured against the building's water meters).
 *
 * The cause, first that holds: `time-jump` (a jump of the reading clock was seen from a window
 * before the first member to the last), `site-revision` (a site-data revision was applied from a
 * window before the first member to the last), `gateway` (every member is behind one gateway:
 * storm control's grouping, for anomalies it does not fold), else `mass`.
 *
 * Drills group apart from real anomalies (the caller asks per drill flag; `#drill` in the key).
 * Life-safety rules form incidents too, for display; their members are never hidden (the server
 * and console read `LIFE_SAFETY_RULES`, detectors/rule-ids.ts), so nothing here treats them differently.
 */
export interface IncidentPolicy {
  /** Opens of one rule this close together are one event. */
  readonly windowSeconds: number;
  /** Distinct devices across the site that make a site-wide incident. */
  readonly siteMinDevices: number;
  /** Share of the devices a rule watches in a building (or behind a gateway) that makes an incident there. */
  readonly scopeShare: number;
  /** ... and never fewer devices than this. */
  readonly scopeMinDevices: number;
  /** Rules whose opens never form incidents. */
  readonly neverGrouped: readonly string[];
}

export const defaultIncidentPolicy: IncidentPolicy = {
  windowSeconds: 60,
  siteMinDevices: 10,
  scopeShare: 0.2,
  scopeMinDevices: 3,
  neverGrouped: [INCIDENT_RULE],
};

/** Members of an incident of these rules still show one by one and keep their own work orders. */
export type IncidentCause = 'mass' | 'gateway' | 'site-revision' | 'time-jump';

export type IncidentScope = { readonly kind: 'site' } | { readonly kind: 'building'; readonly id: string } | { readonly kind: 'gateway'; readonly id: string };

export const siteScope: IncidentScope = { kind: 'site' };

/** `site`, `building:<id>` or `gateway:<id>`: the scope as stored in the subject, key and evidence. */
export const scopeText = (scope: IncidentScope): string => (scope.kind === 'site' ? 'site' : `${scope.kind}:${scope.id}`);

export function parseScope(text: string): IncidentScope | undefined {
  if (text === 'site') return siteScope;
  const at = text.indexOf(':');
  const kind = text.slice(0, at);
  const id = text.slice(at + 1);
  if (at <= 0 || id === '') return undefined;
  return kind === 'building' || kind === 'gateway' ? { kind, id } : undefined;
}

/** The incident's subject: `<memberRule>@<scope>`. */
export const incidentSubject = (memberRule: string, scope: IncidentScope): string => `${memberRule}@${scopeText(scope)}`;

/** One open incident per (site, member rule, scope, drill): the partial unique index holds it across workers. */
export const incidentDedupKey = (siteId: string, memberRule: string, scope: IncidentScope, drill: boolean): string =>
  `${siteId}:${INCIDENT_RULE}:${memberRule}:${scopeText(scope)}${drill ? '#drill' : ''}`;

/** An open anomaly of the rule being grouped, as the decision needs it. */
export interface IncidentMember {
  readonly id: string;
  readonly deviceId: string | null;
  readonly deviceKind: DeviceKind | undefined;
  readonly buildingId: string | undefined;
  readonly gatewayId: string | undefined;
  /** Epoch ms. */
  readonly openedAt: number;
}

export interface OpenIncident {
  readonly id: string;
  readonly scope: IncidentScope;
  readonly cause: IncidentCause;
  readonly members: number;
  /** Epoch ms the latest member opened. */
  readonly lastAt: number;
}

export interface IncidentInput {
  readonly rule: string;
  /** The anomaly that just opened. */
  readonly member: IncidentMember;
  /** Open anomalies of the rule (same drill flag) opened within the window of the member, in no incident and not split out; with the member. */
  readonly unassigned: readonly IncidentMember[];
  /** Open incidents of the rule (same drill flag). */
  readonly incidents: readonly OpenIncident[];
  /** How many devices the rule watches in a scope (see `watchedDevices`). */
  readonly watched: (scope: IncidentScope, kinds: ReadonlySet<DeviceKind>) => number;
  /** Epoch ms of the latest jump of the reading clock seen, if any. */
  readonly clockJumpAt?: number | undefined;
  /** Epoch ms the running site-data revision was applied, if one was applied while running. */
  readonly siteRevisionAt?: number | undefined;
}

export type IncidentDecision =
  | { readonly kind: 'alone' }
  | {
      readonly kind: 'join';
      readonly incidentId: string;
      /** Set when the incident's scope widens to take the member in. */
      readonly widenTo: IncidentScope | undefined;
      readonly cause: IncidentCause;
      /** The member and the other unassigned opens inside the (widened) scope. */
      readonly members: readonly IncidentMember[];
    }
  | { readonly kind: 'form'; readonly scope: IncidentScope; readonly cause: IncidentCause; readonly members: readonly IncidentMember[] };

export const covers = (scope: IncidentScope, member: IncidentMember): boolean =>
  scope.kind === 'site' || (scope.kind === 'building' ? member.buildingId === scope.id : member.gatewayId === scope.id);

/** Distinct devices (an anomaly without a device counts on its own). */
const distinctDevices = (members: readonly IncidentMember[]): number => new Set(members.map((m) => m.deviceId ?? `#${m.id}`)).size;

const kindsOf = (members: readonly IncidentMember[]): ReadonlySet<DeviceKind> =>
  new Set(members.flatMap((m) => (m.deviceKind === undefined ? [] : [m.deviceKind])));

export function incidentCause(
  members: readonly IncidentMember[],
  windowMs: number,
  seen: Pick<IncidentInput, 'clockJumpAt' | 'siteRevisionAt'>,
): IncidentCause {
  const times = members.map((m) => m.openedAt);
  const firstAt = Math.min(...times);
  const lastAt = Math.max(...times);
  const during = (at: number | undefined) => at !== undefined && at >= firstAt - windowMs && at <= lastAt;
  if (during(seen.clockJumpAt)) return 'time-jump';
  if (during(seen.siteRevisionAt)) return 'site-revision';
  const gateways = new Set(members.map((m) => m.gatewayId));
  const [only] = gateways;
  if (gateways.size === 1 && only !== undefined) return 'gateway';
  return 'mass';
}

export function decideIncident(input: IncidentInput, policy: IncidentPolicy): IncidentDecision {
  const { rule, member } = input;
  if (rule === INCIDENT_RULE || policy.neverGrouped.includes(rule)) return { kind: 'alone' };
  const windowMs = policy.windowSeconds * 1000;
  const inWindow = input.unassigned.filter((m) => Math.abs(m.openedAt - member.openedAt) <= windowMs);
  const pool = inWindow.some((m) => m.id === member.id) ? inWindow : [...inWindow, member];
  const within = (scope: IncidentScope) => pool.filter((m) => covers(scope, m));
  const largest = (list: readonly OpenIncident[]) => [...list].sort((a, b) => b.members - a.members || a.lastAt - b.lastAt)[0];

  const covering = largest(input.incidents.filter((i) => covers(i.scope, member)));
  if (covering !== undefined) return { kind: 'join', incidentId: covering.id, widenTo: undefined, cause: covering.cause, members: within(covering.scope) };

  const active = largest(input.incidents.filter((i) => member.openedAt - i.lastAt <= windowMs));
  if (active !== undefined) {
    // The event spreads beyond where it started: one incident, wider, rather than a second one.
    const members = within(siteScope);
    const cause = active.cause === 'gateway' ? incidentCause(members, windowMs, input) : active.cause;
    return { kind: 'join', incidentId: active.id, widenTo: siteScope, cause: cause === 'gateway' ? 'mass' : cause, members };
  }

  const form = (scope: IncidentScope): IncidentDecision => {
    const members = within(scope);
    return { kind: 'form', scope, cause: incidentCause(members, windowMs, input), members };
  };
  if (distinctDevices(pool) >= policy.siteMinDevices) return form(siteScope);
  const enough = (scope: IncidentScope) => {
    const members = within(scope);
    const needed = Math.max(policy.scopeMinDevices, Math.ceil(policy.scopeShare * input.watched(scope, kindsOf(members)) - 1e-9));
    return distinctDevices(members) >= needed;
  };
  if (member.gatewayId !== undefined && enough({ kind: 'gateway', id: member.gatewayId })) return form({ kind: 'gateway', id: member.gatewayId });
  if (member.buildingId !== undefined && enough({ kind: 'building', id: member.buildingId })) return form({ kind: 'building', id: member.buildingId });
  return { kind: 'alone' };
}

/** The smallest number of opens of one rule that can form an incident: below it, nobody needs to ask. */
export const fewestToGroup = (policy: IncidentPolicy): number => Math.min(policy.siteMinDevices, policy.scopeMinDevices);

/** A member as the decision sees it, from the site's device (undefined device: a subject without one). */
export function incidentMember(id: string, device: DeviceContext | undefined, deviceId: string | null, openedAt: number): IncidentMember {
  return { id, deviceId, deviceKind: device?.kind, buildingId: device?.buildingId, gatewayId: gatewayOf(device), openedAt };
}

/** How many of the site's devices of these kinds a scope holds. */
export function watchedDevices(devices: readonly DeviceContext[], scope: IncidentScope, kinds: ReadonlySet<DeviceKind>): number {
  let count = 0;
  for (const device of devices) {
    if (kinds.size > 0 && !kinds.has(device.kind)) continue;
    if (scope.kind === 'site' || (scope.kind === 'building' ? device.buildingId === scope.id : gatewayOf(device) === scope.id)) count++;
  }
  return count;
}
