import { livenessRule } from './liveness.ts';
import { GATEWAY_OFFLINE_RULE } from './rule-ids.ts';

/**
 * 网关离线 P2, per gateway or concentrator (集中器). P2 where a device is P3: every meter, sensor
 * and reader behind it goes blind at once, leak and fire detectors included, and one anomaly
 * stands for all of them (reference/device-ecosystems.md §1: "when the bridge is offline, every
 * child is unknown: raise one grouped anomaly").
 */
export const gatewayOffline = livenessRule({ id: GATEWAY_OFFLINE_RULE, severity: 'P2', watches: (device) => device.kind === 'gateway' });
