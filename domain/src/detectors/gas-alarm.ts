import { binaryRule } from './binary-rule.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 燃气报警 P1 (SPEC §5): no switches or flames, ventilate, close the gas valve, evacuate, call the
 * gas company. Life safety: every alarm raises. The detector's "clear" clears the anomaly; the order
 * stays until people confirm the flat is safe.
 */
export const gasAlarm = binaryRule({
  id: ruleIds.gasAlarm,
  appliesTo: ['gas'],
  severity: 'P1',
  closesWorkOrder: false,
  lifeSafety: true,
  active: (r) => (r.kind === 'gas' ? r.event === 'alarm' : undefined),
  evidence: (_r, device) => ({ deviceKind: device.kind, ...(device.unit ? { unit: device.unit.id } : {}), ...(device.areaId ? { area: device.areaId } : {}) }),
});
