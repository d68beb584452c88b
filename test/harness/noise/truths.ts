import type { Scenario } from '@dutyroom/simulators';
import { type AnomalyRow, type ExpectedAnomaly, INCIDENT, type Milestone, type Tolerance, type TrueIncident } from './accounting.ts';
import type { Injection } from './plan.ts';

const MIN = 60_000;

/** A drill as it was started: the runner's first status names the units and devices its steps chose. */
export interface DrillStarted {
  readonly scenario: Scenario;
  readonly drillId: string;
  readonly unitIds: readonly string[];
  readonly deviceIds: readonly string[];
  /** Wall clock: drills play on the wall clock, as the console's do. */
  readonly startedAt: number;
}

const within = (a: AnomalyRow, from: number, to: number) => a.openedAt >= from && a.openedAt <= to;
/** What running water honestly raises; a register rule (counter-backwards, meter-jump) is never a leak's doing. */
const WATER_RULES = new Set(['vacant-unit-water', 'continuous-flow', 'night-flow', 'burst', 'custody-water-allowance', 'incident']);
const OFFLINE_RULES = new Set(['gateway-offline', 'device-offline', 'incident']);

/**
 * What each injection must produce, and which anomalies it honestly accounts for. `simStart`
 * turns the plan's offsets into the simulated instants anomalies carry.
 */
export function trueIncidents(injections: readonly Injection[], drills: readonly DrillStarted[], simStart: number): TrueIncident[] {
  const found: TrueIncident[] = [];
  for (const injection of injections) {
    const at = simStart + injection.at;
    if (injection.kind === 'leak') {
      // The demo's leak: 空置房水表走动 for the unit; water rules of that unit during the leak are its effects.
      found.push({
        label: `leak ${injection.unitId}`,
        drill: false,
        expected: [{ rule: 'vacant-unit-water', unitId: injection.unitId }],
        workOrders: 1,
        pushes: 1,
        explains: (a) => !a.drill && WATER_RULES.has(a.rule) && a.unitId === injection.unitId && within(a, at - MIN, at + (injection.minutes + 120) * MIN),
      });
    } else if (injection.kind === 'gateway-outage') {
      const silent = new Set([injection.gatewayId, ...injection.children]);
      found.push({
        label: `gateway outage ${injection.gatewayId} (${injection.children.length} children)`,
        drill: false,
        // Its last will: the gateway said it is gone.
        expected: [{ rule: 'gateway-offline', subject: injection.gatewayId }],
        workOrders: 1,
        pushes: 1,
        explains: (a) =>
          !a.drill &&
          OFFLINE_RULES.has(a.rule) &&
          (silent.has(a.deviceId ?? '') || silent.has(a.subject) || a.subject.endsWith(`gateway:${injection.gatewayId}`)) &&
          within(a, at - MIN, at + (injection.minutes + 60) * MIN),
      });
    }
  }
  for (const drill of drills) {
    const rules = new Set([...drill.scenario.expect.anomalies, ...drill.scenario.expect.workOrders].map((e) => e.rule));
    const units = new Set(drill.unitIds);
    const devices = new Set(drill.deviceIds);
    const expected = drill.scenario.expect.anomalies.map(
      (e): ExpectedAnomaly => ({
        rule: e.rule,
        ...(e.unitOfStep !== undefined && drill.unitIds[0] !== undefined ? { unitId: drill.unitIds[0] } : {}),
        ...(e.severity !== undefined ? { severity: e.severity } : {}),
        ...(e.evidence !== undefined ? { evidence: e.evidence as Record<string, unknown> } : {}),
      }),
    );
    found.push({
      label: `drill ${drill.scenario.name}`,
      drill: true,
      expected,
      workOrders: drill.scenario.expect.workOrders.length,
      pushes: 1,
      explains: (a) =>
        a.drill &&
        (rules.has(a.rule) || units.has(a.unitId ?? '') || devices.has(a.deviceId ?? '')) &&
        // A drill's simulated run ends at the wall clock's present; one starting at a time of day begins up to a day back.
        within(a, drill.startedAt - 26 * 60 * MIN, drill.startedAt + 60 * MIN),
    });
  }
  return found;
}

/**
 * Side effects the target tolerates without a work order: the host clock jump may be told as
 * one incident of cause `time-jump` (issue 14 item 3), with its members.
 */
export function tolerances(injections: readonly Injection[]): Tolerance[] {
  return injections.flatMap((i): Tolerance[] =>
    i.kind === 'clock-jump'
      ? [
          {
            label: 'host clock jump told as one time-jump incident',
            ordersAllowed: false,
            accepts: (a) => a.rule === INCIDENT && a.evidence['cause'] === 'time-jump',
          },
        ]
      : [],
  );
}

export function milestones(injections: readonly Injection[], simStart: number): Milestone[] {
  return injections.map((i) => ({ at: simStart + i.at, label: describe(i) }));
}

export function describe(i: Injection): string {
  switch (i.kind) {
    case 'restart':
      return `restart ${i.process} #${i.index + 1}`;
    case 'leak':
      return `leak ${i.unitId} (${i.litresPerMinute} L/min, ${i.minutes} min)`;
    case 'gateway-outage':
      return `gateway outage ${i.gatewayId} (${i.children.length} children, ${i.minutes} min)`;
    case 'rebase':
      return `re-base of ${i.meterIds.length} meters`;
    case 'clock-jump':
      return `host clock +${i.jumpMs / 3_600_000} h for ${i.minutes} min, then back`;
    case 'site-revision':
      return `site revision (vacant-unit-water ${i.thresholdLitres} L, ${i.unitId} → ${i.occupancy})`;
    case 'drill':
      return `drill ${i.scenario}`;
  }
}
