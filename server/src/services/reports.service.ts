import { clockSteps, type MonthlyReport, monthRange, type ReportRow, type UserDto } from '@dutyroom/domain';
import ExcelJS from 'exceljs';
import { type Grouping, reportsRepository } from '../repositories/reports.repository.ts';
import { requireSiteAccess } from './access.ts';
import type { WorkOrdersContext } from './work-orders.context.ts';

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

const departmentLabels: Record<string, string> = {
  'customer-service': '客服 customer service',
  maintenance: '工程 maintenance',
  security: '安保 security',
  'cleaning-greening': '保洁绿化 cleaning/greening',
  '-': '未派单 not dispatched',
};

/** 考核指标 and 回访统计 per month (回访规程: 每月末汇总…统计、分析), as JSON, CSV or XLSX. */
export function createReportsService(ctx: Pick<WorkOrdersContext, 'db' | 'site' | 'siteFile' | 'policy' | 'directory'>) {
  const { db, site } = ctx;

  const labelOf = (g: Grouping, key: string) =>
    g === 'site' ? ctx.siteFile.site.name : g === 'department' ? (departmentLabels[key] ?? key) : key === '-' ? '未派单 unassigned' : ctx.directory.nameOf(key);

  async function monthly(user: UserDto | undefined, month: string, groupBy: Grouping): Promise<MonthlyReport> {
    requireSiteAccess(user, site.siteId);
    const { start, end } = monthRange(month, site.timezone);
    const [orders, steps, visits, falseAlarms, anomalies, sopRules, sopEvents] = await Promise.all([
      reportsRepository.orders(db, site.siteId, start, end, groupBy),
      reportsRepository.steps(db, site.siteId, start, end, groupBy),
      reportsRepository.returnVisits(db, site.siteId, start, end, groupBy, site.timezone),
      reportsRepository.falseAlarms(db, site.siteId, start, end),
      reportsRepository.anomalies(db, site.siteId, start, end),
      reportsRepository.sopByRule(db, site.siteId, start, end),
      reportsRepository.sopExceptions(db, site.siteId, start, end),
    ]);
    const keys = [...new Set([...orders.map((r) => r.key), ...steps.map((r) => r.key), ...visits.map((r) => r.key)])].sort();
    const rows: ReportRow[] = keys.map((key) => {
      const o = orders.find((r) => r.key === key);
      const v = visits.find((r) => r.key === key);
      const onTime = Object.fromEntries(
        clockSteps.map((step) => {
          const s = steps.find((r) => r.key === key && r.step === step);
          return [step, { steps: s?.steps ?? 0, onTime: s?.on_time ?? 0, rate: rate(s?.on_time ?? 0, s?.steps ?? 0) }];
        }),
      ) as ReportRow['onTime'];
      return {
        key,
        label: labelOf(groupBy, key),
        created: o?.created ?? 0,
        completed: o?.completed ?? 0,
        completionRate: rate(o?.completed ?? 0, o?.countable ?? 0),
        onTime,
        returnVisitsDue: v?.due ?? 0,
        returnVisitsDone: v?.done ?? 0,
        returnVisitRate: rate(v?.done ?? 0, v?.due ?? 0),
        returnVisitsEarly: v?.early ?? 0,
        routineNextDayRate: rate(v?.routine_on_time ?? 0, v?.routine ?? 0),
        routineNextDayTarget: ctx.policy.returnVisits.nextDayTargetRate,
        satisfied: v?.satisfied ?? 0,
        dissatisfied: v?.dissatisfied ?? 0,
        satisfactionRate: rate(v?.satisfied ?? 0, v?.rated ?? 0),
      };
    });
    return {
      siteId: site.siteId,
      month,
      groupBy,
      rows,
      falseAlarmsByRule: falseAlarms.map((r) => ({ rule: r.rule, orders: r.orders, falseAlarms: r.false_alarms, rate: rate(r.false_alarms, r.orders) })),
      anomalies,
      sopByRule: sopRules.map((r) => ({
        rule: r.rule,
        finished: r.finished,
        complete: r.finished - r.with_exceptions,
        withExceptions: r.with_exceptions,
        rate: rate(r.finished - r.with_exceptions, r.finished),
      })),
      sopExceptions: sopEvents.map((e) => ({
        workOrderId: e.work_order_id,
        rule: e.rule,
        at: e.at,
        actor: e.actor,
        stage: String(e.payload['stage'] ?? ''),
        reason: String(e.payload['reason'] ?? ''),
        itemIds: Array.isArray(e.payload['items']) ? (e.payload['items'] as { id?: unknown }[]).map((i) => String(i.id)) : [],
      })),
    };
  }

  return { monthly };
}

/** Columns of the export, one header per figure; rates as fractions (0.85), blank when nothing was counted. */
function table(report: MonthlyReport): { header: string[]; rows: (string | number | null)[][] } {
  const header = [
    report.groupBy,
    'label',
    'created',
    'completed',
    'completionRate',
    ...clockSteps.flatMap((s) => [`${s}.steps`, `${s}.onTimeRate`]),
    'returnVisitsDue',
    'returnVisitsDone',
    'returnVisitRate',
    'returnVisitsEarly',
    'routineNextDayRate',
    'routineNextDayTarget',
    'satisfied',
    'dissatisfied',
    'satisfactionRate',
  ];
  const rows = report.rows.map((r) => [
    r.key,
    r.label,
    r.created,
    r.completed,
    r.completionRate,
    ...clockSteps.flatMap((s) => [r.onTime[s].steps, r.onTime[s].rate]),
    r.returnVisitsDue,
    r.returnVisitsDone,
    r.returnVisitRate,
    r.returnVisitsEarly,
    r.routineNextDayRate,
    r.routineNextDayTarget,
    r.satisfied,
    r.dissatisfied,
    r.satisfactionRate,
  ]);
  return { header, rows };
}

const csvCell = (v: string | number | null) => {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(Math.round(v * 10_000) / 10_000) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV with a BOM, so spreadsheet programs read the Chinese labels as UTF-8. */
export function reportCsv(report: MonthlyReport): string {
  const { header, rows } = table(report);
  const falseAlarms = [['rule', 'orders', 'falseAlarms', 'falseAlarmRate'], ...report.falseAlarmsByRule.map((r) => [r.rule, r.orders, r.falseAlarms, r.rate])];
  const sop = [
    ['rule', 'sopFinished', 'sopComplete', 'sopWithExceptions', 'sopCompletionRate'],
    ...report.sopByRule.map((r) => [r.rule, r.finished, r.complete, r.withExceptions, r.rate]),
  ];
  const exceptions = [
    ['workOrderId', 'rule', 'at', 'actor', 'stage', 'reason', 'items'],
    ...report.sopExceptions.map((e) => [e.workOrderId, e.rule, new Date(e.at).toISOString(), e.actor, e.stage, e.reason, e.itemIds.join(' ')]),
  ];
  const lines = [header, ...rows, [], ...falseAlarms, [], ...sop, [], ...exceptions].map((line) => line.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function reportXlsx(report: MonthlyReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Dutyroom';
  const { header, rows } = table(report);
  const sheet = book.addWorksheet(`${report.month} ${report.groupBy}`);
  sheet.addRow(header).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  header.forEach((h, i) => {
    if (/Rate$|Target$/.test(h)) sheet.getColumn(i + 1).numFmt = '0.0%';
  });
  const alarms = book.addWorksheet('false alarms');
  alarms.addRow(['rule', 'orders', 'falseAlarms', 'falseAlarmRate']).font = { bold: true };
  for (const r of report.falseAlarmsByRule) alarms.addRow([r.rule, r.orders, r.falseAlarms, r.rate]);
  alarms.getColumn(4).numFmt = '0.0%';
  const sop = book.addWorksheet('SOP');
  sop.addRow(['rule', 'sopFinished', 'sopComplete', 'sopWithExceptions', 'sopCompletionRate']).font = { bold: true };
  for (const r of report.sopByRule) sop.addRow([r.rule, r.finished, r.complete, r.withExceptions, r.rate]);
  sop.getColumn(5).numFmt = '0.0%';
  const exceptions = book.addWorksheet('SOP exceptions');
  exceptions.addRow(['workOrderId', 'rule', 'at', 'actor', 'stage', 'reason', 'items']).font = { bold: true };
  for (const e of report.sopExceptions) exceptions.addRow([e.workOrderId, e.rule, new Date(e.at), e.actor, e.stage, e.reason, e.itemIds.join(' ')]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

export type ReportsService = ReturnType<typeof createReportsService>;
