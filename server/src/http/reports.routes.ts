import { auditEntrySchema, auditQuerySchema, monthlyReportQuerySchema, monthlyReportSchema, page } from '@dutyroom/domain';
import type { AuditService } from '../services/audit.service.ts';
import { type ReportsService, reportCsv, reportXlsx } from '../services/reports.service.ts';
import type { Router } from './router.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Monthly statistics (JSON, CSV, XLSX) and the audit log. */
export function reportRoutes(router: Router, deps: { reports: () => ReportsService; audit: () => AuditService }): void {
  router.route(
    {
      method: 'GET',
      url: '/api/v1/reports/monthly',
      permission: 'reports:read',
      summary: 'Monthly statistics per site, department or person; format=csv|xlsx downloads a file',
      tag: 'reports',
      query: monthlyReportQuerySchema,
      response: monthlyReportSchema,
      produces: ['text/csv', XLSX],
    },
    async ({ user, query, reply }) => {
      const report = await deps.reports().monthly(user, query.month, query.groupBy);
      if (query.format === 'json') return report;
      const name = `dutyroom-${report.siteId}-${report.month}-${report.groupBy}`;
      if (query.format === 'csv')
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(reportCsv(report));
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await reportXlsx(report));
    },
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/audit',
      permission: 'audit:read',
      summary: 'The append-only audit log of the site, newest first',
      tag: 'reports',
      query: auditQuerySchema,
      response: page(auditEntrySchema),
    },
    async ({ user, query }) => deps.audit().list(user, query),
  );
}
