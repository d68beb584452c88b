/**
 * Every rule id a detector can emit (SPEC §5). Stable: part of dedup keys, titles, SOP templates
 * and the site file's `rules`. The pipeline refers to these constants, never to string literals.
 */
export const ruleIds = {
  vacantUnitWater: 'vacant-unit-water',
  vacantUnitElectricity: 'vacant-unit-electricity',
  custodyWaterAllowance: 'custody-water-allowance',
  custodyElectricityAllowance: 'custody-electricity-allowance',
  continuousFlow: 'continuous-flow',
  nightFlow: 'night-flow',
  burst: 'burst',
  fireAlarm: 'fire-alarm',
  fireConfirmed: 'fire-confirmed',
  fireFault: 'fire-fault',
  gasAlarm: 'gas-alarm',
  leak: 'leak',
  doorForced: 'door-forced',
  doorHeldOpen: 'door-held-open',
  fireDoorOpen: 'fire-door-open',
  fireDoorLocked: 'fire-door-locked',
  repeatedDeniedCard: 'repeated-denied-card',
  repeatedDeniedDoor: 'repeated-denied-door',
  deactivatedCard: 'deactivated-card',
  deviceOffline: 'device-offline',
  gatewayOffline: 'gateway-offline',
  lowBattery: 'low-battery',
  tamper: 'tamper',
  counterBackwards: 'counter-backwards',
  meterJump: 'meter-jump',
} as const;

/**
 * Not a detector's rule: the ingest opens it when anomalies of one rule open together in numbers or
 * share a cause (issue 14). Its members keep their rows and point at it (`incidentId`).
 */
export const INCIDENT_RULE = 'incident';

export type RuleId = (typeof ruleIds)[keyof typeof ruleIds];

/** Per device; the pipeline suppresses its raises while the device's `gateway` is offline (storm control). */
export const DEVICE_OFFLINE_RULE = ruleIds.deviceOffline;
/** Keyed by the gateway device: one anomaly stands for all its children. */
export const GATEWAY_OFFLINE_RULE = ruleIds.gatewayOffline;

/**
 * Life safety: never suppressed by storm control, flapping hold-down, drills' quiet hours or
 * anything else. A fire alarm raises every time a panel says alarm, even during a test or after a
 * reset; a gas alarm likewise.
 */
export const NEVER_SUPPRESSED_RULES: readonly RuleId[] = [ruleIds.fireAlarm, ruleIds.fireConfirmed, ruleIds.gasAlarm];

/**
 * Life safety (issue 14): never hidden behind an incident and never held before dispatch. Their
 * members keep their own rows on the wall and their own work orders; a mass event of them is also
 * shown as an incident. The ingest, the server's dispatch and the console read this one list.
 */
export const LIFE_SAFETY_RULES: readonly string[] = [ruleIds.fireAlarm, ruleIds.fireConfirmed, ruleIds.gasAlarm, ruleIds.leak, ruleIds.burst];

export const isLifeSafetyRule = (rule: string): boolean => LIFE_SAFETY_RULES.includes(rule);
