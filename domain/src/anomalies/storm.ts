import { DEVICE_OFFLINE_RULE, GATEWAY_OFFLINE_RULE, NEVER_SUPPRESSED_RULES, ruleIds } from '../detectors/rule-ids.ts';
import type { DetectorEvent } from '../model/anomaly.ts';
import type { DeviceContext } from '../site/site-index.ts';

/**
 * Storm control: when a gateway or concentrator (集中器) goes offline, every device behind it falls
 * silent too. Instead of one "device offline" anomaly (and work order) per meter, the control room
 * gets ONE anomaly for the gateway, with the number of children in its evidence
 * (reference/device-ecosystems.md §1: "when the bridge is offline every child is unknown: raise one
 * grouped anomaly").
 *
 * Only availability rules are folded. Life-safety rules (fire, gas, leak) are never folded, even
 * when the device sits behind a gateway that is down: an alarm that does get through must show.
 *
 * | event              | rule               | device behind a gateway | gateway's outage open | verdict |
 * | ------------------ | ------------------ | ----------------------- | --------------------- | ------- |
 * | raise              | an offline rule    | yes                     | yes                   | fold    |
 * | raise              | an offline rule    | yes                     | no                    | pass    |
 * | raise              | an offline rule    | no (or is a gateway)    | –                     | pass    |
 * | raise              | life-safety        | any                     | any                   | pass    |
 * | raise              | any other          | any                     | any                   | pass    |
 * | clear              | any                | any                     | any                   | pass    |
 */
export interface StormPolicy {
  /** Rules that mean "this device stopped talking"; a gateway's own outage is one of these on the gateway. */
  readonly offlineRules: readonly string[];
  /** Never folded, whatever the configuration of `offlineRules` says. */
  readonly neverFolded: readonly string[];
}

export const defaultStormPolicy: StormPolicy = {
  offlineRules: [DEVICE_OFFLINE_RULE, GATEWAY_OFFLINE_RULE],
  neverFolded: [...NEVER_SUPPRESSED_RULES, ruleIds.leak],
};

export type StormVerdict = { readonly kind: 'pass' } | { readonly kind: 'fold'; readonly gatewayId: string };

const pass: StormVerdict = { kind: 'pass' };

export function stormVerdict(
  event: DetectorEvent,
  device: DeviceContext,
  gatewayOutageOpen: (gatewayId: string) => boolean,
  policy: StormPolicy,
): StormVerdict {
  if (event.type !== 'raise') return pass;
  if (policy.neverFolded.includes(event.rule) || !policy.offlineRules.includes(event.rule)) return pass;
  const gatewayId = gatewayOf(device);
  if (gatewayId === undefined) return pass;
  return gatewayOutageOpen(gatewayId) ? { kind: 'fold', gatewayId } : pass;
}

/**
 * The gateway a device reaches the network through, if it is behind one: storm control folds by it,
 * and incident grouping (incident-grouping.ts) names it as the shared cause. A gateway is never
 * behind itself.
 */
export function gatewayOf(device: DeviceContext | undefined): string | undefined {
  const gatewayId = device?.device.gateway;
  if (gatewayId === undefined || device?.kind === 'gateway' || gatewayId === device?.device.id) return undefined;
  return gatewayId;
}

/** Whether an anomaly of this rule on this device is a gateway outage that children fold into. */
export const isGatewayOutage = (rule: string, device: DeviceContext | undefined, policy: StormPolicy): boolean =>
  device?.kind === 'gateway' && policy.offlineRules.includes(rule) && !policy.neverFolded.includes(rule);
