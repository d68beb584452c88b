import { deniedAccessRule } from './denied-access.ts';
import { ruleIds } from './rule-ids.ts';

/** 同一卡反复被拒 P3: one card denied `count` times within `windowMinutes`, at any door (a lost or copied card being tried). */
export const repeatedDeniedCard = deniedAccessRule({
  id: ruleIds.repeatedDeniedCard,
  defaultCount: 3,
  defaultWindowMinutes: 5,
  prefix: 'card',
  key: (reading) => (reading.kind === 'access' ? reading.card : undefined),
});
