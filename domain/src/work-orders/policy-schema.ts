import { z } from 'zod';
import { dispatchSettingsSchema } from './dispatch.ts';
import { sopGateSettingsSchema } from './sop-settings.ts';

/**
 * Per-site work-order policy: the time standards of 物业跟随制 (SPEC §6), escalation, return
 * visits and owner call hours. Every default is the seed value, with its source; a site file
 * overrides any of them under `workOrders:`.
 */

/** 客服 / 工程 / 安保 / 保洁绿化: the departments an order is dispatched to. */
export const departments = ['customer-service', 'maintenance', 'security', 'cleaning-greening'] as const;
export type Department = (typeof departments)[number];

const minutes = z.number().positive();
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time such as 21:00');

export const timeStandardsSchema = z.strictObject({
  /** 客服: 在5分钟内完成需求分类与分配工作. */
  dispatch: minutes.default(5),
  /** 维修: 接到任务后10分钟内与业主取得联系. */
  maintenanceContact: minutes.default(10),
  /** 工单: 处理人员在规定时间内(一般不超过30分钟)与业主取得联系 (other departments). */
  otherContact: minutes.default(30),
  /** 维修: 到达维修现场一般不超过30分钟 (or the appointment time). */
  onSite: minutes.default(30),
  /** 安保: 遇到突发事件时,应在1分钟内到达现场 (P1 orders dispatched to security). */
  securityEmergency: minutes.default(1),
  /** 保洁与绿化: 接到通知后30分钟内到达现场进行处理. */
  cleaningOnSite: minutes.default(30),
  /** 维修: 一般维修问题应在2小时内完成 (complex: the promised time). */
  simpleRepair: minutes.default(120),
  /** 维修: 维修完成后30分钟内将维修结果反馈给客服部门. */
  reportBack: minutes.default(30),
  /** 保洁与绿化: 处理结果应在1小时内反馈给客服部门. */
  cleaningReportBack: minutes.default(60),
  /** 客服: 需求处理完成后,应在1小时内向业主反馈处理结果. */
  ownerFeedback: minutes.default(60),
  /** 客服: 每24小时至少跟进一次需求处理进度,并及时向业主反馈. */
  progressUpdate: minutes.default(24 * 60),
  /** 客服: 部门之间的协调问题,应在2小时内完成沟通协调 (a reassignment to another department). */
  coordination: minutes.default(120),
});
export type TimeStandards = z.infer<typeof timeStandardsSchema>;

export const escalationRoles = ['on-duty', 'supervisor', 'manager'] as const;
export type EscalationRole = (typeof escalationRoles)[number];

export const escalationPolicySchema = z.strictObject({
  /** SPEC §6: steward → on-duty steward → supervisor → manager; the assignee is level 0. */
  chain: z.array(z.enum(escalationRoles)).min(1).default(['on-duty', 'supervisor', 'manager']),
  /** The warning comes when this fraction of a step's time has passed. */
  warnAtFraction: z.number().gt(0).lt(1).default(0.8),
  /** While nothing happens after a breach, the next level is called after this many minutes. */
  reescalateMinutes: z.strictObject({ P1: minutes.default(1), P2: minutes.default(10), P3: minutes.default(30), P4: minutes.default(60) }).prefault({}),
});

export const quietPeriodSchema = z.strictObject({ from: clockTime, to: clockTime });

/** 服务细节: 非紧急情况下,避免用餐时间、清晨和晚上21时以后给业户打电话. */
export const callHoursSchema = z.strictObject({
  quiet: z.array(quietPeriodSchema).default([
    { from: '21:00', to: '08:00' },
    { from: '11:30', to: '13:30' },
    { from: '17:30', to: '19:00' },
  ]),
});
export type CallHours = z.infer<typeof callHoursSchema>;

export const returnVisitPolicySchema = z.strictObject({
  /** 回访: 需求处理完成后的24-48小时内回访 (orders no other rule covers). */
  withinHours: z.number().positive().default(48),
  /** 回访规程: 日常一般性维修…次日内进行电话回访,回访率不低于70%. */
  nextDayTargetRate: z.number().min(0).max(1).default(0.7),
  /** 回访规程: 返修结束后的3天内上门回访. */
  reworkDays: z.number().positive().default(3),
  /** 回访规程: 卫生间渗漏水、排水管道堵塞、隐蔽工程: 3天内电话或上门回访. */
  plumbingDays: z.number().positive().default(3),
  /** 回访规程: 楼板、窗、墙体渗漏: 经过一次大暴雨之后上门回访 (试漏后3天内回访). */
  afterRainDays: z.number().positive().default(3),
  /** 回访规程: 安全设施维修的2天内回访. */
  safetyFacilityDays: z.number().positive().default(2),
});
export type ReturnVisitPolicy = z.infer<typeof returnVisitPolicySchema>;

export const workOrderPolicySchema = z.strictObject({
  timeStandards: timeStandardsSchema.prefault({}),
  escalation: escalationPolicySchema.prefault({}),
  callHours: callHoursSchema.prefault({}),
  returnVisits: returnVisitPolicySchema.prefault({}),
  /** Which department an anomaly's order goes to, by rule id; other rules go to `default`. */
  ruleDepartments: z.record(z.string(), z.enum(departments)).default({
    // SPEC §5: security for fire, gas and doors; maintenance for devices, pipes and meters; the
    // grid's steward (customer service) for water and custody matters that start with the owner.
    'fire-alarm': 'security',
    'fire-confirmed': 'security',
    'fire-fault': 'maintenance',
    'gas-alarm': 'security',
    'door-forced': 'security',
    'door-held-open': 'security',
    'fire-door-open': 'security',
    'fire-door-locked': 'security',
    'repeated-denied-card': 'security',
    'repeated-denied-door': 'security',
    'deactivated-card': 'security',
    'vacant-unit-electricity': 'maintenance',
    burst: 'maintenance',
    'device-offline': 'maintenance',
    'gateway-offline': 'maintenance',
    'low-battery': 'maintenance',
    tamper: 'maintenance',
    'counter-backwards': 'maintenance',
    'meter-jump': 'maintenance',
  }),
  /** Per rule: `immediate`, `never` or `{ holdMinutes }` over the defaults of `dispatch.ts` (issue 14, docs/work-orders.md §Dispatch). */
  dispatch: dispatchSettingsSchema.default({}),
  /** Per rule and item: when an SOP item is owed and what counts as done, over the defaults of sop-gates.ts (issue 23). */
  sopGates: sopGateSettingsSchema.default({}),
  /** 管家职责: an anomaly in a unit goes to the grid's steward (customer service) unless the rule says otherwise. */
  defaultDepartment: z.enum(departments).default('customer-service'),
});
export type WorkOrderPolicy = z.infer<typeof workOrderPolicySchema>;

/** The policy of a site file that says nothing about work orders: all seed defaults. */
export const defaultWorkOrderPolicy = (): WorkOrderPolicy => workOrderPolicySchema.parse({});
