import { type SopEvidence, type SopStage, sopGateOf } from './sop-gates.ts';

/**
 * SOP checklists per anomaly rule (SPEC §5, the "SOP checklist on the work order" column), from the
 * property-management procedures (/work/shared/SEED-EXCERPTS.md). Each item carries both languages
 * so the order reads the same on every console and phone. Every rule a detector emits has a
 * template and a title here (a test checks it against the registry).
 */
export interface ChecklistItem {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  readonly requiredBefore: SopStage;
  readonly evidence: SopEvidence;
  done: boolean;
}

export interface UnitFacts {
  /** 有钥匙: the management holds a key to the unit. */
  readonly keyHeld: boolean;
  /** The unit's meter has a remotely operable valve. */
  readonly hasValve: boolean;
  /** Whether the owner has been reached; undefined: not known yet (the item then says what to do if not). */
  readonly ownerReachable?: boolean | undefined;
}

type Item = Omit<ChecklistItem, 'done' | 'requiredBefore' | 'evidence'>;
type Template = readonly Item[];

const item = (id: string, zh: string, en: string): Item => ({ id, zh, en });

const closeValve = (facts: UnitFacts): Item =>
  facts.hasValve
    ? item('close-valve', '远程关闭该户水阀（需值班员确认）', 'Close the unit water valve remotely (operator confirms)')
    : item('close-valve', '关闭该户水闸阀，预防水浸', 'Close the unit water valve to prevent flooding');
const phoneOwner = item('phone-owner', '电话知会业主', 'Phone the owner');
const record = item('record', '记录处理结果', 'Record the outcome');
const patrolLog = item('patrol-log', '记录于《区域巡查记录表》', 'Record in the area patrol log');
const maintenance = item('notify-maintenance', '通知工程部处理', 'Notify maintenance');
const securityCheck = item('security-check', '安保到场查看', 'Security checks on site');
const followUp = item('follow-up', '跟进处理结果', 'Follow up until it is handled');

/**
 * 社区管家工作职责: "若无该单位钥匙，又无法联系业主，需在该单位门口或信箱放置相关通知". The notice
 * item appears when there is no key, unless the owner is known to be reachable.
 */
const noticeIfUnreachable = (facts: UnitFacts): Template => {
  if (facts.keyHeld || facts.ownerReachable === true) return [];
  return facts.ownerReachable === false
    ? [item('leave-notice', '无钥匙且联系不上业主：在门口或信箱放置通知', 'No key and the owner cannot be reached: leave a notice at the door or mailbox')]
    : [item('leave-notice', '无钥匙且联系不上业主时，在门口或信箱放置通知', 'No key and owner unreachable: leave a notice at the door or mailbox')];
};

/** 社区管家工作职责: 空置房水表走动 (also villas 别墅 and closed shops 商铺). */
const vacantUnitWater = (facts: UnitFacts): Template => [
  closeValve(facts),
  item('front-desk-verify', '通知物业服务中心前台查实', 'Front desk verifies the unit'),
  phoneOwner,
  ...noticeIfUnreachable(facts),
  patrolLog,
];

/** 社区管家工作职责: "当发现电表异常运转时，应及时通知相关部门处理，并跟进处理结果，同时记录在《区域巡查记录表》中". */
const vacantUnitElectricity = (): Template => [maintenance, followUp, patrolLog];

/** 房屋托管: "发现问题及时处理并通知业主". */
const custodyAllowance = (facts: UnitFacts): Template => [
  item('inform-owner', '告知业主托管期用量超标', 'Inform the owner the custody allowance is exceeded'),
  item('inspect', '入户或户外巡查，查明用水/用电原因', 'Inspect the unit to find what draws water or power'),
  ...noticeIfUnreachable(facts),
  record,
];

/** SPEC §5 持续流量/夜间流量: contact owner; inspect for leak. */
const flowLeak = (facts: UnitFacts): Template => [
  item('contact-owner', '联系业主确认是否在用水', 'Contact the owner: is water in use?'),
  item('inspect-leak', '检查是否漏水（水龙头、马桶水箱、管道）', 'Inspect for leaks (taps, cistern, pipes)'),
  ...noticeIfUnreachable(facts),
  record,
];

/** SPEC §5 爆管: close valve; dispatch maintenance. */
const burst = (facts: UnitFacts): Template => [
  closeValve(facts),
  item('dispatch-maintenance', '派工程部到场抢修', 'Dispatch maintenance on site'),
  phoneOwner,
  record,
];

/**
 * SPEC §5 火警, 物业跟随制 安保: "遇到突发事件时，应在1分钟内到达现场，并迅速启动应急预案"; 重大事项需向管家部经理汇报.
 */
const fireAlarm = (): Template => [
  item('security-on-scene', '安保1分钟内到场', 'Security on scene within 1 minute'),
  item('confirm-report', '确认真假火警并汇报中控', 'Confirm real or false alarm and report to the control room'),
  item('escalate-manager', '上报管家部经理', 'Escalate to the manager'),
  record,
];

const fireConfirmed = (): Template => [
  item('start-emergency-plan', '启动应急预案，通知应急小组', 'Start the emergency plan; call the emergency team'),
  item('call-119', '拨打119报警', 'Call the fire brigade (119)'),
  item('evacuate', '组织疏散，打开疏散通道', 'Evacuate; keep escape routes open'),
  item('escalate-manager', '上报管家部经理', 'Escalate to the manager'),
  record,
];

/** SPEC §5: fault/supervisory open a maintenance order instead of a fire. */
const fireFault = (): Template => [
  item('check-panel', '核对消防主机故障/监管信息', 'Check the fault or supervisory signal at the panel'),
  item('repair', '工程部维修或联系维保单位', 'Maintenance repairs or calls the fire-system contractor'),
  record,
];

/** SPEC §5 燃气报警. */
const gasAlarm = (): Template => [
  item('no-flames', '严禁开关电器、明火', 'No switches, no flames'),
  item('ventilate', '开窗通风', 'Open windows, ventilate'),
  item('close-gas-valve', '关闭燃气阀门', 'Close the gas valve'),
  item('evacuate', '疏散人员', 'Evacuate'),
  item('call-gas-company', '通知燃气公司', 'Call the gas company'),
  record,
];

/** SPEC §5 漏水: contact owner; close valve; inspect. */
const leak = (facts: UnitFacts): Template => [
  item('contact-owner', '联系业主', 'Contact the owner'),
  closeValve(facts),
  item('inspect', '到场检查漏水点', 'Inspect where the water comes from'),
  ...noticeIfUnreachable(facts),
  record,
];

/** 社区管家工作职责: "保持各防火门处于关闭但不能上锁的状态". */
const fireDoor = (locked: boolean): Template => [
  securityCheck,
  locked
    ? item('unlock', '解除防火门锁闭，保持关闭但不上锁', 'Unlock the fire door: closed, never locked')
    : item('close-door', '关闭防火门（关闭但不上锁）', 'Close the fire door (closed, not locked)'),
  record,
];

const security = (): Template => [securityCheck, record];

/**
 * Issue 14: many devices raised one rule at once, or share a cause (a gateway, building power, a
 * site-data revision, a clock jump). One order for the lot: find the common cause first; only a
 * member that turns out to stand alone is split out to an order of its own.
 */
const incident = (): Template => [
  item(
    'find-common-cause',
    '查找共同原因（网关、楼栋供电、站点数据修订、时钟跳变、设备重启）',
    'Find the common cause (gateway, building power, a site-data revision, a clock jump, a restart)',
  ),
  item('check-sample', '抽查数个成员设备，确认是否真实异常', 'Check a few members on site: is any of them a real anomaly?'),
  item('split-real-members', '真实异常的成员拆分为单独工单', 'Split each real member out into a work order of its own'),
  item('fix-cause', '排除共同原因（恢复供电/网络，修正站点数据）', 'Remove the cause (power, network, site data)'),
  record,
];

const templates: Readonly<Record<string, (facts: UnitFacts) => Template>> = {
  'vacant-unit-water': vacantUnitWater,
  'vacant-unit-electricity': vacantUnitElectricity,
  'custody-water-allowance': custodyAllowance,
  'custody-electricity-allowance': custodyAllowance,
  'continuous-flow': flowLeak,
  'night-flow': flowLeak,
  burst,
  'fire-alarm': fireAlarm,
  'fire-confirmed': fireConfirmed,
  'fire-fault': fireFault,
  'gas-alarm': gasAlarm,
  leak,
  'door-forced': () => [securityCheck, item('check-intrusion', '查看监控，确认有无闯入', 'Check CCTV for an intrusion'), record],
  'door-held-open': () => [securityCheck, item('close-door', '关门并查明原因', 'Close the door and find out why it stood open'), record],
  'fire-door-open': () => fireDoor(false),
  'fire-door-locked': () => fireDoor(true),
  'repeated-denied-card': security,
  'repeated-denied-door': security,
  'deactivated-card': () => [securityCheck, item('retain-card', '核实持卡人，收回注销卡', 'Verify the holder; retain the deactivated card'), record],
  'device-offline': () => [item('check-power-network', '检查设备供电与通信', 'Check the device power and connection'), maintenance, record],
  'gateway-offline': () => [item('check-gateway', '检查网关/集中器供电与网络', 'Check the gateway or concentrator power and network'), maintenance, record],
  'low-battery': () => [item('replace-battery', '更换电池', 'Replace the battery'), record],
  tamper: () => [item('check-device', '检查设备是否被拆动或损坏', 'Check whether the device was opened or damaged'), maintenance, record],
  'counter-backwards': () => [
    item('check-meter', '核对表计是否更换或复位', 'Check whether the meter was replaced or reset'),
    item('record-start-reading', '记录新表起始读数', 'Record the new start reading'),
    record,
  ],
  'meter-jump': () => [
    item('check-meter', '现场核对表计读数', 'Read the meter on site'),
    item('check-scale', '核对表计倍率与单位设置', 'Check the meter scale and unit settings'),
    record,
  ],
  incident,
};

const generic: Template = [item('check', '到场查看并处理', 'Check on site and handle'), record];

/** The rules that have a checklist of their own (the rest get the generic one). */
export const rulesWithChecklist: readonly string[] = Object.keys(templates);

/** The rule's checklist for the unit's facts, each item with its gate (sop-gates.ts: when it is due, what counts as done). */
export function checklistFor(rule: string, facts: UnitFacts): ChecklistItem[] {
  const template = templates[rule]?.(facts) ?? generic;
  return template.map((entry) => ({ ...entry, ...sopGateOf(rule, entry.id, facts), done: false }));
}

/** Rule titles shown on anomalies and work orders. */
export const ruleTitles: Readonly<Record<string, { zh: string; en: string }>> = {
  'vacant-unit-water': { zh: '空置房水表走动', en: 'Water running in a vacant unit' },
  'vacant-unit-electricity': { zh: '电表异常运转', en: 'Electricity used in a vacant unit' },
  'custody-water-allowance': { zh: '托管超量（水）', en: 'Custody water allowance exceeded' },
  'custody-electricity-allowance': { zh: '托管超量（电）', en: 'Custody electricity allowance exceeded' },
  'continuous-flow': { zh: '持续流量', en: 'Continuous water flow' },
  'night-flow': { zh: '夜间流量', en: 'Night water flow' },
  burst: { zh: '爆管', en: 'Burst pipe' },
  'fire-alarm': { zh: '火警', en: 'Fire alarm' },
  'fire-confirmed': { zh: '确认火警（同区多点报警）', en: 'Confirmed fire (several detectors in one zone)' },
  'fire-fault': { zh: '消防设备故障/监管', en: 'Fire system fault or supervisory' },
  'gas-alarm': { zh: '燃气报警', en: 'Gas alarm' },
  leak: { zh: '漏水', en: 'Water leak' },
  'door-forced': { zh: '门被强行打开', en: 'Door forced open' },
  'door-held-open': { zh: '门长时间未关', en: 'Door held open' },
  'fire-door-open': { zh: '防火门未关闭', en: 'Fire door left open' },
  'fire-door-locked': { zh: '防火门被锁闭', en: 'Fire door locked' },
  'repeated-denied-card': { zh: '同一卡反复被拒', en: 'Card denied repeatedly' },
  'repeated-denied-door': { zh: '门禁反复拒绝', en: 'Repeated denials at one door' },
  'deactivated-card': { zh: '注销卡被使用', en: 'Deactivated card used' },
  'device-offline': { zh: '设备离线', en: 'Device offline' },
  'gateway-offline': { zh: '网关离线', en: 'Gateway offline' },
  'low-battery': { zh: '电池电量低', en: 'Low battery' },
  tamper: { zh: '设备防拆报警', en: 'Device tampered with' },
  'counter-backwards': { zh: '表计读数回退', en: 'Meter counter went backwards' },
  'meter-jump': { zh: '表计读数跳变', en: 'Implausible meter jump' },
  incident: { zh: '关联事件（多设备同时报警）', en: 'Incident (many devices at once)' },
};
