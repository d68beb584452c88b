import { describe, expect, it } from 'vitest';
import { type AnomalyRow, account, type DbRows, type TrueIncident } from '../harness/noise/accounting.ts';

const row = (id: string, rule: string, subject: string, extra: Partial<AnomalyRow> = {}): AnomalyRow => ({
  id,
  rule,
  subject,
  status: 'open',
  severity: 'P2',
  unitId: null,
  deviceId: subject,
  openedAt: 1000,
  drill: false,
  evidence: {},
  incidentId: null,
  ...extra,
});

const leak: TrueIncident = {
  label: 'leak u1',
  drill: false,
  expected: [{ rule: 'vacant-unit-water', unitId: 'u1' }],
  workOrders: 1,
  pushes: 1,
  explains: (a) => a.unitId === 'u1',
};

describe('noise accounting', () => {
  it('passes a run where the one true incident has its anomaly, one order and one push', () => {
    const rows: DbRows = {
      anomalies: [row('1', 'vacant-unit-water', 'u1', { unitId: 'u1' })],
      workOrders: [{ id: 'w1', anomalyId: '1', drill: false }],
      pushes: [{ id: 'p1', anomalyId: '1', drill: false }],
    };
    const report = account(rows, [leak], [], []);
    expect(report.verdict.every((v) => v.pass)).toBe(true);
    expect(report.detected).toBe(1);
  });

  it('names false anomalies, the injection they came after, and the orders not due', () => {
    const rows: DbRows = {
      anomalies: [row('1', 'counter-backwards', 'wm-1', { openedAt: 5 * 60_000 }), row('2', 'counter-backwards', 'wm-2', { openedAt: 6 * 60_000 })],
      workOrders: [
        { id: 'w1', anomalyId: '1', drill: false },
        { id: 'w2', anomalyId: '2', drill: false },
      ],
      pushes: [],
    };
    const report = account(rows, [leak], [], [{ at: 60_000, label: 'restart simulator #1' }]);
    expect(report.falseAnomalies.map((f) => `${f.rule} ${f.subject} ${f.after}`)).toEqual([
      'counter-backwards wm-1 restart simulator #1 (+4 min)',
      'counter-backwards wm-2 restart simulator #1 (+5 min)',
    ]);
    expect(report.falseAfter).toEqual({ 'restart simulator #1': 2 });
    expect(report.workOrdersOutside).toBe(2);
    expect(report.verdict.filter((v) => !v.pass).map((v) => v.check)).toContain('every injected true incident detected');
  });

  it('gives an incident to the true incident all its members belong to; a member of a mixed incident stays false', () => {
    const rows: DbRows = {
      anomalies: [
        row('10', 'incident', 'device-offline@gateway:cc', { deviceId: null, evidence: { cause: 'gateway' } }),
        row('11', 'vacant-unit-water', 'u1', { unitId: 'u1', incidentId: '10' }),
        row('12', 'device-offline', 'wm-9', { incidentId: '10' }),
      ],
      workOrders: [{ id: 'w1', anomalyId: '10', drill: false }],
      pushes: [{ id: 'p1', anomalyId: '10', drill: false }],
    };
    const report = account(rows, [leak], [], []);
    expect(report.falseAnomalies.map((f) => f.subject).sort()).toEqual(['device-offline@gateway:cc', 'wm-9']);
    expect(report.workOrdersOutside).toBe(1);
  });
});
