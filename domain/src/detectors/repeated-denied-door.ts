import { deniedAccessRule } from './denied-access.ts';
import { doorName } from './open-door.ts';
import { ruleIds } from './rule-ids.ts';

/** 同一门反复拒绝 P3: one door denies `count` times within `windowMinutes`, whatever the cards (someone trying cards at a gate). */
export const repeatedDeniedDoor = deniedAccessRule({
  id: ruleIds.repeatedDeniedDoor,
  defaultCount: 5,
  defaultWindowMinutes: 5,
  prefix: 'door',
  key: doorName,
});
