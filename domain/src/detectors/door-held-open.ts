import { z } from 'zod';
import { openDoorRule } from './open-door.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 门长时间未关 P3 (SPEC §5: security to check): a door (not a fire door: fire-door-open watches
 * those) open longer than `heldOpenSeconds`, or the reader's own held-open alarm. Closing it closes
 * the order.
 */
const configSchema = z.strictObject({
  heldOpenSeconds: z.number().positive().default(120),
});
export type DoorHeldOpenConfig = z.infer<typeof configSchema>;

export const doorHeldOpen = openDoorRule({
  id: ruleIds.doorHeldOpen,
  severity: 'P3',
  configSchema,
  appliesTo: ['access', 'contact'],
  watches: (device) => device.device.fireDoor !== true,
  holdMs: (config) => config.heldOpenSeconds * 1000,
});
