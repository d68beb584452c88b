import { binaryRule } from './binary-rule.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 防火门上锁 P2: 社区管家工作职责 "保持各防火门处于关闭但不能上锁的状态". A locked fire door blocks
 * the escape route, so it raises at once; unlocked again is the fix, and closes the order.
 */
export const fireDoorLocked = binaryRule({
  id: ruleIds.fireDoorLocked,
  appliesTo: ['lock'],
  severity: 'P2',
  closesWorkOrder: true,
  active: (r, device) => (r.kind === 'lock' && device.device.fireDoor === true ? r.locked : undefined),
  evidence: (_r, device) => ({ ...(device.areaId ? { area: device.areaId } : {}) }),
});
