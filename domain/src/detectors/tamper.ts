import { binaryRule } from './binary-rule.ts';
import { ruleIds } from './rule-ids.ts';

/** 防拆 P3 (SPEC §5: maintenance): a device opened or removed. Closed again clears; maintenance still looks. */
export const tamper = binaryRule({
  id: ruleIds.tamper,
  appliesTo: ['tamper'],
  severity: 'P3',
  closesWorkOrder: false,
  active: (r) => (r.kind === 'tamper' ? r.active : undefined),
  evidence: (_r, device) => ({ deviceKind: device.kind }),
});
