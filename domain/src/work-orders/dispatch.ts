import { z } from 'zod';
import { INCIDENT_RULE, isLifeSafetyRule, ruleIds } from '../detectors/rule-ids.ts';
import type { Severity } from '../model/anomaly.ts';

/**
 * Severity decides dispatch (issue 14): whether an anomaly opens a work order and pages someone at
 * once, after a hold (only if it is still open then), or never (shown on the wall, counted, listed
 * in the shift's daily digest). The defaults below are the one place this is decided; a site
 * changes any rule under `workOrders.dispatch` (site document, rule editor). Pure: time is a parameter.
 */

export type DispatchPolicy = { readonly mode: 'immediate' } | { readonly mode: 'hold'; readonly ms: number } | { readonly mode: 'never' };

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const immediate: DispatchPolicy = { mode: 'immediate' };
const never: DispatchPolicy = { mode: 'never' };
const hold = (ms: number): DispatchPolicy => ({ mode: 'hold', ms });

/**
 * By severity, for a rule without a default of its own.
 * - P1 at once: life safety, every second counts.
 * - P2 20 s: the ingest recognises a mass event (≥ 10 devices within 60 s, most of them within
 *   seconds) as an incident before anyone is paged, so a storm pages once; 20 s is short beside
 *   the 1-minute security and 10-minute contact standards of 物业跟随制.
 * - P3 2 min: a device that is back within 2 min (a router reboot, a flaky link) never pages anyone.
 * - P4 30 min: housekeeping; only what is still true half an hour later is worth a visit.
 */
export const dispatchBySeverity: Readonly<Record<Severity, DispatchPolicy>> = {
  P1: immediate,
  P2: hold(20 * SECOND),
  P3: hold(2 * MINUTE),
  P4: hold(30 * MINUTE),
};

/** Every detector rule's default, and why. The table in docs/work-orders.md §Dispatch is this one. */
export const dispatchDefaults: Readonly<Record<string, { readonly policy: DispatchPolicy; readonly why: string }>> = {
  [ruleIds.fireAlarm]: { policy: immediate, why: 'life safety: security on scene within 1 minute' },
  [ruleIds.fireConfirmed]: { policy: immediate, why: 'life safety: emergency plan, 119' },
  [ruleIds.gasAlarm]: { policy: immediate, why: 'life safety' },
  [ruleIds.leak]: { policy: immediate, why: 'life safety (water damage spreads by the minute); never hidden in an incident' },
  [ruleIds.burst]: { policy: immediate, why: 'life safety (P1 on the mains); never hidden in an incident' },
  [ruleIds.vacantUnitWater]: { policy: dispatchBySeverity.P2, why: 'P2: a mass event becomes one incident before anyone is paged' },
  [ruleIds.continuousFlow]: { policy: dispatchBySeverity.P2, why: 'P2: as above' },
  [ruleIds.nightFlow]: { policy: dispatchBySeverity.P2, why: 'P2: as above' },
  [ruleIds.doorForced]: { policy: dispatchBySeverity.P2, why: 'P2: as above (a reader fault forces every door at once)' },
  [ruleIds.fireDoorLocked]: { policy: dispatchBySeverity.P2, why: 'P2: as above' },
  [ruleIds.gatewayOffline]: { policy: dispatchBySeverity.P2, why: 'P2: as above (a power cut takes several gateways)' },
  [ruleIds.vacantUnitElectricity]: { policy: dispatchBySeverity.P3, why: 'P3: a short blip that stops within 2 min pages nobody' },
  [ruleIds.custodyWaterAllowance]: { policy: dispatchBySeverity.P3, why: 'P3' },
  [ruleIds.custodyElectricityAllowance]: { policy: dispatchBySeverity.P3, why: 'P3' },
  [ruleIds.fireFault]: { policy: dispatchBySeverity.P3, why: 'P3: a fault the panel clears by itself within 2 min pages nobody' },
  [ruleIds.doorHeldOpen]: { policy: dispatchBySeverity.P3, why: 'P3: a door closed within 2 min more pages nobody' },
  [ruleIds.fireDoorOpen]: { policy: dispatchBySeverity.P3, why: 'P3: as above' },
  [ruleIds.repeatedDeniedCard]: { policy: dispatchBySeverity.P3, why: 'P3' },
  [ruleIds.repeatedDeniedDoor]: { policy: dispatchBySeverity.P3, why: 'P3' },
  [ruleIds.deactivatedCard]: { policy: dispatchBySeverity.P3, why: 'P3' },
  [ruleIds.deviceOffline]: { policy: dispatchBySeverity.P3, why: 'P3: a device back within 2 min never pages anyone' },
  [ruleIds.tamper]: { policy: dispatchBySeverity.P3, why: 'P3' },
  [ruleIds.lowBattery]: { policy: dispatchBySeverity.P4, why: 'P4: a battery reading that recovers (cold night) is not a visit' },
  [ruleIds.counterBackwards]: {
    policy: dispatchBySeverity.P4,
    why: 'P4: only a real backwards step on a meter that kept reporting is raised (tampering or a failing meter): worth a visit, not urgent',
  },
  [ruleIds.meterJump]: {
    policy: never,
    why: 'a step beyond the plausible rate never clears by itself, so a hold would filter nothing; it is a billing-data question the office checks from the digest, nobody needs to go on site',
  },
};

/** How a site writes a rule's dispatch: `immediate`, `never`, or `{ holdMinutes: 2 }` (fractions allowed: 0.5 is 30 s). */
export const dispatchSettingSchema = z.union(
  [
    z.literal('immediate'),
    z.literal('never'),
    z.strictObject({
      holdMinutes: z
        .number()
        .positive()
        .max(7 * 24 * 60),
    }),
  ],
  {
    error: 'one of immediate, never, or { holdMinutes: <minutes> }',
  },
);
export type DispatchSetting = z.infer<typeof dispatchSettingSchema>;
/** `workOrders.dispatch` of the site document: rule id → setting; rules not named keep their default. */
export const dispatchSettingsSchema = z.record(z.string().min(1), dispatchSettingSchema).superRefine((settings, ctx) => {
  const known = Object.values(ruleIds) as string[];
  for (const rule of Object.keys(settings))
    if (!known.includes(rule))
      ctx.addIssue({
        code: 'custom',
        path: [rule],
        message: rule === INCIDENT_RULE ? 'an incident dispatches by its member rule: set that rule instead' : `no rule "${rule}"; one of ${known.join(', ')}`,
      });
});
export type DispatchSettings = z.infer<typeof dispatchSettingsSchema>;

export const policyOfSetting = (setting: DispatchSetting): DispatchPolicy =>
  setting === 'immediate' ? immediate : setting === 'never' ? never : hold(Math.round(setting.holdMinutes * MINUTE));

export const settingOfPolicy = (policy: DispatchPolicy): DispatchSetting => (policy.mode === 'hold' ? { holdMinutes: policy.ms / MINUTE } : policy.mode);

/** The rule's policy at this site: the site's setting, else the rule's default, else its severity's. */
export function dispatchPolicyFor(rule: string, severity: Severity, settings: DispatchSettings = {}): DispatchPolicy {
  const setting = settings[rule];
  if (setting !== undefined) return policyOfSetting(setting);
  return dispatchDefaults[rule]?.policy ?? dispatchBySeverity[severity];
}

/** What the dispatch decision reads of an anomaly (an AnomalyDto plus its `split_at`). */
export interface DispatchSubject {
  readonly rule: string;
  readonly severity: Severity;
  readonly status: 'open' | 'cleared';
  readonly openedAt: number;
  readonly incidentId: string | null;
  /** When an operator split it out of its incident; null when it never was. */
  readonly splitAt: number | null;
  readonly evidence: Readonly<Record<string, unknown>>;
  /** A drill (演练): run on purpose, often in accelerated time; not held (see decideDispatch). */
  readonly drill?: boolean | undefined;
}

export type DispatchDecision =
  | { readonly kind: 'now'; readonly why: 'policy' | 'hold-passed' | 'split' | 'drill' }
  /** Still held: dispatch at `dueAt` if it is still open then. */
  | { readonly kind: 'wait'; readonly dueAt: number }
  | { readonly kind: 'never'; readonly why: 'policy' | 'member' | 'cleared' | 'life-safety-incident' };

/** The rule an incident stands for (evidence `memberRule`), or the anomaly's own rule. */
export const dispatchRuleOf = (anomaly: Pick<DispatchSubject, 'rule' | 'evidence'>): string => {
  const member = anomaly.evidence['memberRule'];
  return anomaly.rule === INCIDENT_RULE && typeof member === 'string' ? member : anomaly.rule;
};

/**
 * Whether an anomaly without a work order gets one now, later or never:
 * - a cleared anomaly never gets one (its hold had not passed, or it would have one);
 * - a member an operator split out stands alone: at once;
 * - a member of an incident (not life safety) never gets its own: the incident has the order;
 * - an incident dispatches by its member rule's policy, the hold counted from its first member, and
 *   never before it exists; the incident of a life-safety rule is for display (members keep theirs);
 * - anything else by its rule's policy, the hold counted from when it opened;
 * - a drill is not held (a rule set to never stays never): an operator started it to rehearse the
 *   response, no storm can come from it, and its readings run in the simulator's accelerated time,
 *   against which the server's clock would measure the hold wrongly.
 */
export function decideDispatch(anomaly: DispatchSubject, settings: DispatchSettings, now: number): DispatchDecision {
  if (anomaly.status !== 'open') return { kind: 'never', why: 'cleared' };
  if (anomaly.incidentId !== null && anomaly.splitAt !== null) return { kind: 'now', why: 'split' };
  if (anomaly.incidentId !== null && !isLifeSafetyRule(anomaly.rule)) return { kind: 'never', why: 'member' };
  const rule = dispatchRuleOf(anomaly);
  const incident = anomaly.rule === INCIDENT_RULE;
  if (incident && isLifeSafetyRule(rule)) return { kind: 'never', why: 'life-safety-incident' };
  const policy = dispatchPolicyFor(rule, anomaly.severity, settings);
  if (policy.mode === 'never') return { kind: 'never', why: 'policy' };
  if (policy.mode === 'immediate') return { kind: 'now', why: 'policy' };
  if (anomaly.drill === true) return { kind: 'now', why: 'drill' };
  const firstAt = anomaly.evidence['firstAt'];
  const from = incident && typeof firstAt === 'number' ? Math.min(firstAt, anomaly.openedAt) : anomaly.openedAt;
  const dueAt = from + policy.ms;
  return dueAt <= now ? { kind: 'now', why: 'hold-passed' } : { kind: 'wait', dueAt };
}

/**
 * The policy table the sweep's SQL reads (hold in ms, -1 for never) for every rule a site can
 * name, so the durable query and `decideDispatch` agree without the query knowing the defaults.
 */
export function dispatchTable(settings: DispatchSettings): { rules: string[]; holdMs: number[]; severities: Severity[]; severityHoldMs: number[] } {
  const asMs = (p: DispatchPolicy) => (p.mode === 'never' ? -1 : p.mode === 'immediate' ? 0 : p.ms);
  const rules = [...new Set([...Object.keys(dispatchDefaults), ...Object.keys(settings)])].sort();
  const severities = Object.keys(dispatchBySeverity) as Severity[];
  return {
    rules,
    // An unknown rule named only by the site: its setting; the severity fallback covers everything else.
    holdMs: rules.map((r) => asMs(settings[r] === undefined ? (dispatchDefaults[r]?.policy ?? never) : policyOfSetting(settings[r]))),
    severities,
    severityHoldMs: severities.map((s) => asMs(dispatchBySeverity[s])),
  };
}
