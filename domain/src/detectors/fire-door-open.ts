import { z } from 'zod';
import { openDoorRule } from './open-door.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 防火门未关闭 P3: 社区管家工作职责 "保持各防火门处于关闭但不能上锁的状态". People pass through a
 * stairwell door in seconds; one open for `openMinutes` is propped open. Closing it closes the order.
 */
const configSchema = z.strictObject({
  openMinutes: z.number().positive().default(5),
});
export type FireDoorOpenConfig = z.infer<typeof configSchema>;

export const fireDoorOpen = openDoorRule({
  id: ruleIds.fireDoorOpen,
  severity: 'P3',
  configSchema,
  appliesTo: ['access', 'contact'],
  watches: (device) => device.device.fireDoor === true,
  holdMs: (config) => config.openMinutes * 60_000,
});
