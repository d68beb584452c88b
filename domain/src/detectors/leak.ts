import { binaryRule } from './binary-rule.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 漏水 P2 (SPEC §5: contact owner, close valve, inspect). Dry again clears the anomaly; the order
 * stays: water went somewhere and the owner must hear of it.
 */
export const leak = binaryRule({
  id: ruleIds.leak,
  appliesTo: ['leak'],
  severity: 'P2',
  closesWorkOrder: false,
  active: (r) => (r.kind === 'leak' ? r.wet : undefined),
  evidence: (_r, device) => ({
    ...(device.unit ? { unit: device.unit.id, occupancy: device.unit.occupancy } : {}),
    ...(device.areaId ? { area: device.areaId } : {}),
  }),
});
