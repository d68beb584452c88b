import { type AnomalyDto, INCIDENT_RULE, isLifeSafetyRule, ruleTitles, type Severity, type WorkOrderDto } from '@dutyroom/domain';

/**
 * How the wall folds incidents (issue 14), pure so it is tested without a browser
 * (test/unit/console-wall-rows.test.ts). An incident is one row; its members are not rows of
 * their own, except life-safety alarms, which always keep their own row (and appear in the
 * incident too), and members an operator split out. docs/console.md §Incidents has the why.
 */

export const isIncident = (a: Pick<AnomalyDto, 'rule'>): boolean => a.rule === INCIDENT_RULE;
/** Never hidden behind an incident (the issue 14 contract); the list is domain's, as the ingest and server use it. */
export const isLifeSafety = isLifeSafetyRule;

/**
 * The incident on the wall this anomaly is folded into, if any. A member whose incident the wall
 * does not hold (not arrived yet, or cleared) stands on its own: nothing is hidden without a card
 * that shows it.
 */
export function incidentOf(a: AnomalyDto, incidentIds: ReadonlySet<string>): string | undefined {
  if (a.incidentId === null || a.splitAt !== null || !incidentIds.has(a.incidentId)) return undefined;
  return a.incidentId;
}

const openIncidentIds = (open: readonly AnomalyDto[]) => new Set(open.filter(isIncident).map((a) => a.id));

/** The rows of the wall, in the order given: every open anomaly but the folded members that are not life safety. */
export function wallRows(open: readonly AnomalyDto[]): AnomalyDto[] {
  const incidents = openIncidentIds(open);
  return open.filter((a) => incidentOf(a, incidents) === undefined || isLifeSafety(a.rule));
}

/**
 * The wall's counters: an incident counts once, under its member rule; its members do not count,
 * not even the life-safety ones that keep their own row (the incident already counts them).
 */
export function wallCounts(open: readonly AnomalyDto[]): {
  bySeverity: Record<Severity, number>;
  byType: [string, { title: AnomalyDto['title']; n: number }][];
} {
  const incidents = openIncidentIds(open);
  const bySeverity: Record<Severity, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  const byType = new Map<string, { title: AnomalyDto['title']; n: number }>();
  for (const a of open) {
    if (incidentOf(a, incidents) !== undefined) continue;
    bySeverity[a.severity] += 1;
    const rule = isIncident(a) ? incidentSummary(a).memberRule : a.rule;
    const title = isIncident(a) ? (ruleTitles[rule] ?? { zh: rule, en: rule }) : a.title;
    const held = byType.get(rule);
    byType.set(rule, { title, n: (held?.n ?? 0) + 1 });
  }
  return { bySeverity, byType: [...byType.entries()].sort((x, y) => y[1].n - x[1].n) };
}

/**
 * The orders the audible alarm sounds for: not those of folded members that are not life safety
 * (the incident's own order sounds once for all of them).
 */
export function soundingOrders(orders: readonly WorkOrderDto[], anomalies: ReadonlyMap<string, AnomalyDto>): WorkOrderDto[] {
  const incidents = openIncidentIds([...anomalies.values()].filter((a) => a.status === 'open'));
  return orders.filter((w) => {
    const a = w.anomalyId === null ? undefined : anomalies.get(w.anomalyId);
    return a === undefined || isLifeSafety(a.rule) || incidentOf(a, incidents) === undefined;
  });
}

export type IncidentCause = 'mass' | 'gateway' | 'site-revision' | 'time-jump';
export interface IncidentScope {
  readonly kind: 'site' | 'building' | 'gateway';
  readonly id: string;
}

export interface IncidentSummary {
  readonly memberRule: string;
  readonly memberTitle: AnomalyDto['title'];
  readonly scope: IncidentScope;
  readonly cause: IncidentCause;
  readonly members: number;
  readonly open: number;
  /** Members split out into their own orders. */
  readonly split: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

const CAUSES: readonly IncidentCause[] = ['mass', 'gateway', 'site-revision', 'time-jump'];

export function parseScope(scope: string): IncidentScope {
  const [kind, ...rest] = scope.split(':');
  const id = rest.join(':');
  if ((kind === 'building' || kind === 'gateway') && id !== '') return { kind, id };
  return { kind: 'site', id: '' };
}

/** What the incident's card shows, from its evidence (the ingest's flat record); tolerant of a missing field. */
export function incidentSummary(a: AnomalyDto): IncidentSummary {
  const e = a.evidence;
  const text = (key: string, fallback: string) => (typeof e[key] === 'string' ? (e[key] as string) : fallback);
  const num = (key: string, fallback: number) => (typeof e[key] === 'number' ? (e[key] as number) : fallback);
  const memberRule = text('memberRule', a.subject.split('@')[0] ?? a.rule);
  const cause = text('cause', 'mass');
  const members = num('members', a.count);
  return {
    memberRule,
    memberTitle: ruleTitles[memberRule] ?? { zh: memberRule, en: memberRule },
    scope: parseScope(text('scope', a.subject.split('@')[1] ?? 'site')),
    cause: (CAUSES as readonly string[]).includes(cause) ? (cause as IncidentCause) : 'mass',
    members,
    open: num('open', members),
    split: num('split', 0),
    firstAt: num('firstAt', a.openedAt),
    lastAt: num('lastAt', a.lastSeenAt),
  };
}

const MINUTE = 60_000;

/**
 * The card's timeline: members opened per minute, as at most `maxBars` bars (a longer span widens
 * each bar to several minutes). Empty without members.
 */
export function membersPerMinute(members: readonly Pick<AnomalyDto, 'openedAt'>[], maxBars = 30): { from: number; minutes: number; n: number }[] {
  if (members.length === 0) return [];
  const times = members.map((m) => m.openedAt);
  const start = Math.floor(Math.min(...times) / MINUTE) * MINUTE;
  const span = Math.floor((Math.max(...times) - start) / MINUTE) + 1;
  const minutes = Math.max(1, Math.ceil(span / maxBars));
  const bars = Array.from({ length: Math.ceil(span / minutes) }, (_, i) => ({ from: start + i * minutes * MINUTE, minutes, n: 0 }));
  for (const t of times) {
    const bar = bars[Math.floor((t - start) / (minutes * MINUTE))];
    if (bar !== undefined) bar.n += 1;
  }
  return bars;
}

/** A line of the steward's phone: an anomaly of their grid, or their grid's members of one incident. */
export type StewardItem =
  | { readonly kind: 'anomaly'; readonly anomaly: AnomalyDto }
  | { readonly kind: 'incident'; readonly id: string; readonly title: AnomalyDto['title']; readonly severity: Severity; readonly members: AnomalyDto[] };

/**
 * The steward's list (their grid's open anomalies): an incident's members (but life safety and
 * split ones) become one line, at the place of the newest. A steward does not see the incident
 * row itself (it has no unit, so no grid), so the line is built from the members they do see.
 */
export function stewardItems(anomalies: readonly AnomalyDto[]): StewardItem[] {
  const groups = new Map<string, AnomalyDto[]>();
  const items: StewardItem[] = [];
  for (const a of anomalies) {
    if (isIncident(a)) {
      items.push({ kind: 'anomaly', anomaly: a });
      continue;
    }
    if (a.incidentId === null || a.splitAt !== null || isLifeSafety(a.rule)) {
      items.push({ kind: 'anomaly', anomaly: a });
      continue;
    }
    const group = groups.get(a.incidentId);
    if (group !== undefined) {
      group.push(a);
      continue;
    }
    const members = [a];
    groups.set(a.incidentId, members);
    items.push({ kind: 'incident', id: a.incidentId, title: a.title, severity: a.severity, members });
  }
  // An incident row the steward does see stands for its members: one line, not two.
  return items.filter((i) => i.kind === 'incident' || !isIncident(i.anomaly) || !groups.has(i.anomaly.id));
}
