/**
 * SOP checklists per anomaly rule (SPEC §5), from the property-management procedures. Each item
 * carries both languages so the order reads the same on every console and phone.
 */
export interface ChecklistItem {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  done: boolean;
}

export interface UnitFacts {
  readonly keyHeld: boolean;
  readonly hasValve: boolean;
}

type Template = readonly Omit<ChecklistItem, 'done'>[];

/** 社区管家工作职责: 空置房水表走动. */
function vacantUnitWater(facts: UnitFacts): Template {
  return [
    facts.hasValve
      ? { id: 'close-valve', zh: '远程关闭该户水阀（需值班员确认）', en: 'Close the unit water valve remotely (operator confirms)' }
      : { id: 'close-valve', zh: '关闭该户水闸阀，预防水浸', en: 'Close the unit water valve to prevent flooding' },
    { id: 'front-desk-verify', zh: '通知物业服务中心前台查实', en: 'Front desk verifies the unit' },
    { id: 'phone-owner', zh: '电话知会业主', en: 'Phone the owner' },
    ...(facts.keyHeld
      ? []
      : [
          {
            id: 'leave-notice',
            zh: '无钥匙且联系不上业主时，在门口或信箱放置通知',
            en: 'No key and owner unreachable: leave a notice at the door or mailbox',
          },
        ]),
    { id: 'patrol-log', zh: '记录于《区域巡查记录表》', en: 'Record in the area patrol log' },
  ];
}

const generic: Template = [
  { id: 'check', zh: '到场查看并处理', en: 'Check on site and handle' },
  { id: 'record', zh: '记录处理结果', en: 'Record the outcome' },
];

const templates: Readonly<Record<string, (facts: UnitFacts) => Template>> = {
  'vacant-unit-water': vacantUnitWater,
};

export function checklistFor(rule: string, facts: UnitFacts): ChecklistItem[] {
  const template = templates[rule]?.(facts) ?? generic;
  return template.map((item) => ({ ...item, done: false }));
}

/** Rule titles shown on anomalies and work orders. */
export const ruleTitles: Readonly<Record<string, { zh: string; en: string }>> = {
  'vacant-unit-water': { zh: '空置房水表走动', en: 'Water running in a vacant unit' },
};
