import { livenessRule } from './liveness.ts';
import { DEVICE_OFFLINE_RULE } from './rule-ids.ts';

/**
 * 设备离线 P3 (SPEC §5: maintenance), per device. Storm control is the pipeline's: while a
 * device's `gateway` is offline it holds these raises back behind the one gateway-offline anomaly.
 */
export const deviceOffline = livenessRule({ id: DEVICE_OFFLINE_RULE, severity: 'P3', watches: (device) => device.kind !== 'gateway' });
