import type { Queryable } from '@dutyroom/platform';

/**
 * Holds what the database says against what the bench injected. Every anomaly is either
 * explained by one true incident, tolerated (a named side effect the target allows: the one
 * incident of a host clock jump), or **false**. Work orders and pushes are counted per true
 * incident; those on anything else are extra.
 */
export interface AnomalyRow {
  readonly id: string;
  readonly rule: string;
  readonly subject: string;
  readonly status: string;
  readonly severity: string;
  readonly unitId: string | null;
  readonly deviceId: string | null;
  readonly openedAt: number;
  readonly drill: boolean;
  readonly evidence: Record<string, unknown>;
  readonly incidentId: string | null;
}

export interface DbRows {
  readonly anomalies: readonly AnomalyRow[];
  /** Work orders opened for anomalies. */
  readonly workOrders: readonly { readonly id: string; readonly anomalyId: string | null; readonly drill: boolean }[];
  /** Pushes: one per anomaly (`anomalyId`), or per SLA escalation of an order (`anomalyId` null). */
  readonly pushes: readonly { readonly id: string; readonly anomalyId: string | null; readonly drill: boolean }[];
}

/** One anomaly the product must raise for a true incident. */
export interface ExpectedAnomaly {
  readonly rule: string;
  readonly subject?: string;
  readonly unitId?: string;
  readonly severity?: string;
  readonly evidence?: Record<string, unknown>;
}

export interface TrueIncident {
  readonly label: string;
  readonly drill: boolean;
  readonly expected: readonly ExpectedAnomaly[];
  readonly workOrders: number;
  readonly pushes: number;
  /** Does this incident account for the anomaly (the expected ones and their honest side effects)? */
  explains(a: AnomalyRow): boolean;
}

export interface Tolerance {
  readonly label: string;
  /** Device-caused events deserve their orders; a side effect of the bench's own doing does not. */
  readonly ordersAllowed: boolean;
  accepts(a: AnomalyRow): boolean;
}

/** A point in the run, to say what a false anomaly came after. */
export interface Milestone {
  readonly at: number;
  readonly label: string;
}

export interface IncidentOutcome {
  readonly label: string;
  readonly detected: boolean;
  readonly missing: readonly string[];
  readonly anomalies: number;
  readonly workOrders: number;
  readonly workOrdersExpected: number;
  readonly pushes: number;
  readonly pushesExpected: number;
}

export interface FalseAnomaly {
  readonly rule: string;
  readonly subject: string;
  readonly drill: boolean;
  readonly openedAt: number;
  readonly after: string;
  readonly evidence: string;
  readonly inIncident: boolean;
}

export interface NoiseReport {
  readonly trueIncidents: number;
  readonly detected: number;
  readonly anomaliesReal: number;
  readonly anomaliesDrill: number;
  readonly incidents: number;
  /** Anomalies accepted without a true incident, by tolerance. */
  readonly tolerated: Readonly<Record<string, number>>;
  /** False anomalies by the injection they came after. */
  readonly falseAfter: Readonly<Record<string, number>>;
  readonly falseAnomalies: readonly FalseAnomaly[];
  readonly falseByRule: Readonly<Record<string, number>>;
  readonly workOrders: number;
  readonly workOrdersOutside: number;
  readonly pushes: number;
  readonly pushesOutside: number;
  readonly slaPushes: number;
  readonly outcomes: readonly IncidentOutcome[];
  readonly verdict: readonly { readonly check: string; readonly pass: boolean; readonly detail: string }[];
}

export const INCIDENT = 'incident';

const matches = (a: AnomalyRow, e: ExpectedAnomaly, drill: boolean) =>
  a.drill === drill &&
  a.rule === e.rule &&
  (e.subject === undefined || a.subject === e.subject) &&
  (e.unitId === undefined || a.unitId === e.unitId) &&
  (e.severity === undefined || a.severity === e.severity) &&
  Object.entries(e.evidence ?? {}).every(([k, v]) => a.evidence[k] === v);

export function account(rows: DbRows, incidents: readonly TrueIncident[], tolerances: readonly Tolerance[], milestones: readonly Milestone[]): NoiseReport {
  const owner = new Map<string, number>();
  const tolerated = new Map<string, Tolerance>();
  const members = new Map<string, AnomalyRow[]>();
  for (const a of rows.anomalies) if (a.incidentId !== null) members.set(a.incidentId, [...(members.get(a.incidentId) ?? []), a]);
  const ownerOf = (a: AnomalyRow): number => incidents.findIndex((t) => t.explains(a));
  for (const a of rows.anomalies.filter((x) => x.rule !== INCIDENT)) {
    const i = ownerOf(a);
    if (i >= 0) owner.set(a.id, i);
    else {
      const byIncident = a.incidentId === null ? undefined : rows.anomalies.find((x) => x.id === a.incidentId);
      const t = tolerances.find((t) => t.accepts(a) || (byIncident !== undefined && !t.ordersAllowed && t.accepts(byIncident)));
      if (t !== undefined) tolerated.set(a.id, t);
    }
  }
  // An incident belongs to the true incident all its members belong to (or, with no members, that explains it itself).
  for (const a of rows.anomalies.filter((x) => x.rule === INCIDENT)) {
    const own = members.get(a.id) ?? [];
    const owners = new Set(own.map((m) => owner.get(m.id) ?? -1));
    const only = owners.size === 1 ? [...owners][0] : undefined;
    const toleratedBy = new Set(own.map((m) => tolerated.get(m.id)));
    const sameTolerance = toleratedBy.size === 1 ? [...toleratedBy][0] : undefined;
    const t = tolerances.find((x) => x.accepts(a)) ?? (own.length > 0 ? sameTolerance : undefined);
    if (only !== undefined && only >= 0) owner.set(a.id, only);
    else if (t !== undefined) tolerated.set(a.id, t);
    else if (own.length === 0) {
      const i = ownerOf(a);
      if (i >= 0) owner.set(a.id, i);
    }
  }
  const after = (ts: number) => {
    let last = 'start';
    for (const m of milestones) if (m.at <= ts) last = `${m.label} (+${Math.round((ts - m.at) / 60_000)} min)`;
    return last;
  };
  const falseRows = rows.anomalies.filter((a) => !owner.has(a.id) && !tolerated.has(a.id)).sort((x, y) => x.openedAt - y.openedAt);
  const falseByRule: Record<string, number> = {};
  for (const a of falseRows) falseByRule[a.rule] = (falseByRule[a.rule] ?? 0) + 1;

  const outcomes = incidents.map((t, i): IncidentOutcome => {
    const own = rows.anomalies.filter((a) => owner.get(a.id) === i);
    const ids = new Set(own.map((a) => a.id));
    const missing = t.expected
      .filter((e) => !own.some((a) => matches(a, e, t.drill)))
      .map((e) => `${e.rule}${e.subject ? `@${e.subject}` : e.unitId ? `@${e.unitId}` : ''}`);
    return {
      label: t.label,
      detected: missing.length === 0,
      missing,
      anomalies: own.length,
      workOrders: rows.workOrders.filter((w) => w.anomalyId !== null && ids.has(w.anomalyId)).length,
      workOrdersExpected: t.workOrders,
      pushes: rows.pushes.filter((p) => p.anomalyId !== null && ids.has(p.anomalyId)).length,
      pushesExpected: t.pushes,
    };
  });
  // Orders are due on true incidents and on device-caused ambient events; anywhere else they are extra.
  const due = (id: string | null) => id !== null && (owner.has(id) || tolerated.get(id)?.ordersAllowed === true);
  const workOrdersOutside = rows.workOrders.filter((w) => !due(w.anomalyId)).length;
  const anomalyPushes = rows.pushes.filter((p) => p.anomalyId !== null);
  const pushesOutside = anomalyPushes.filter((p) => !due(p.anomalyId)).length;
  const toleratedByLabel: Record<string, number> = {};
  for (const t of tolerated.values()) toleratedByLabel[t.label] = (toleratedByLabel[t.label] ?? 0) + 1;
  const causes: Record<string, number> = {};
  for (const a of falseRows) {
    const cause = after(a.openedAt).replace(/ \(\+\d+ min\)$/, '');
    causes[cause] = (causes[cause] ?? 0) + 1;
  }
  const detected = outcomes.filter((o) => o.detected).length;
  const wrongOrders = outcomes.filter((o) => o.workOrders !== o.workOrdersExpected);
  const wrongPushes = outcomes.filter((o) => o.pushes !== o.pushesExpected);
  const list = (os: readonly IncidentOutcome[], f: (o: IncidentOutcome) => string) => (os.length === 0 ? 'all' : os.map(f).join('; '));
  return {
    trueIncidents: incidents.length,
    detected,
    anomaliesReal: rows.anomalies.filter((a) => !a.drill && a.rule !== INCIDENT).length,
    anomaliesDrill: rows.anomalies.filter((a) => a.drill && a.rule !== INCIDENT).length,
    incidents: rows.anomalies.filter((a) => a.rule === INCIDENT).length,
    tolerated: toleratedByLabel,
    falseAfter: causes,
    falseAnomalies: falseRows.map((a) => ({
      rule: a.rule,
      subject: a.subject,
      drill: a.drill,
      openedAt: a.openedAt,
      after: after(a.openedAt),
      evidence: JSON.stringify(a.evidence).slice(0, 140),
      inIncident: a.incidentId !== null,
    })),
    falseByRule,
    workOrders: rows.workOrders.length,
    workOrdersOutside,
    pushes: anomalyPushes.length,
    pushesOutside,
    slaPushes: rows.pushes.length - anomalyPushes.length,
    outcomes,
    verdict: [
      {
        check: '0 false anomalies',
        pass: falseRows.length === 0,
        detail: `${falseRows.length} false (${
          Object.entries(falseByRule)
            .map(([r, n]) => `${r} ${n}`)
            .join(', ') || 'none'
        })`,
      },
      {
        check: 'every injected true incident detected',
        pass: detected === incidents.length,
        detail: `${detected}/${incidents.length}${
          detected === incidents.length
            ? ''
            : `; missed: ${outcomes
                .filter((o) => !o.detected)
                .map((o) => `${o.label} [${o.missing.join(', ')}]`)
                .join('; ')}`
        }`,
      },
      {
        check: 'exactly the expected work orders per true incident (1; a drill: its expect block)',
        pass: wrongOrders.length === 0,
        detail: list(wrongOrders, (o) => `${o.label}: ${o.workOrders} (expected ${o.workOrdersExpected})`),
      },
      { check: 'exactly 1 push per true incident', pass: wrongPushes.length === 0, detail: list(wrongPushes, (o) => `${o.label}: ${o.pushes}`) },
      { check: '0 work orders outside true incidents and device-caused events', pass: workOrdersOutside === 0, detail: `${workOrdersOutside}` },
      { check: '0 pushes outside true incidents and device-caused events', pass: pushesOutside === 0, detail: `${pushesOutside}` },
    ],
  };
}

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

/** Everything of one site the accounting needs. */
export async function readRows(db: Queryable, siteId: string): Promise<DbRows> {
  const anomalies = await db.query<{
    id: string;
    rule: string;
    subject: string;
    status: string;
    severity: string;
    unit_id: string | null;
    device_id: string | null;
    opened_at: number;
    drill: boolean;
    evidence: Record<string, unknown>;
    incident_id: string | null;
  }>(
    `select id::text as id, rule, subject, status, severity, unit_id, device_id, ${ms('opened_at')} as opened_at, drill, evidence,
       incident_id::text as incident_id from anomalies where site_id = $1 order by id`,
    [siteId],
  );
  const workOrders = await db.query<{ id: string; anomaly_id: string | null; drill: boolean }>(
    'select id::text as id, anomaly_id::text as anomaly_id, drill from work_orders where site_id = $1',
    [siteId],
  );
  const pushes = await db.query<{ id: string; anomaly_id: string | null; drill: boolean }>(
    'select id::text as id, anomaly_id::text as anomaly_id, drill from pushes where site_id = $1',
    [siteId],
  );
  return {
    anomalies: anomalies.rows.map((r) => ({
      id: r.id,
      rule: r.rule,
      subject: r.subject,
      status: r.status,
      severity: r.severity,
      unitId: r.unit_id,
      deviceId: r.device_id,
      openedAt: Number(r.opened_at),
      drill: r.drill,
      evidence: r.evidence,
      incidentId: r.incident_id,
    })),
    workOrders: workOrders.rows.map((r) => ({ id: r.id, anomalyId: r.anomaly_id, drill: r.drill })),
    pushes: pushes.rows.map((r) => ({ id: r.id, anomalyId: r.anomaly_id, drill: r.drill })),
  };
}
