import { binaryRule } from './binary-rule.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 门被强行打开 P2 (SPEC §5: security to check). The reader reports a forced door; its "closed"
 * clears the anomaly, but security still goes to see who came through.
 */
export const doorForced = binaryRule({
  id: ruleIds.doorForced,
  appliesTo: ['access'],
  severity: 'P2',
  closesWorkOrder: false,
  active: (r) => (r.kind !== 'access' ? undefined : r.event === 'forced' ? true : r.event === 'closed' ? false : undefined),
  subject: (r, device) => (r.kind === 'access' && r.door !== undefined ? r.door : device.device.id),
  evidence: (r, device) => ({
    reader: device.device.id,
    ...(device.areaId ? { area: device.areaId } : {}),
    ...(r.kind === 'access' && r.door ? { door: r.door } : {}),
  }),
});
