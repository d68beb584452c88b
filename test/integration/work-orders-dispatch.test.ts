import type { MonthlyReport, ShiftDigest, SiteConfigDto, WorkOrderDetail } from '@dutyroom/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../harness/clients.ts';
import { available, waitFor } from '../harness/servers.ts';
import { type DbKind, type Fixture, holdMs, insertAnomaly, MINUTE, startFixture, startWorkOrdersServer } from './work-orders-fixtures.ts';

type Err = { error: { code: string; issues?: { path: string; message: string }[] } };

/**
 * Severity decides dispatch (issue 14, docs/work-orders.md §Dispatch): held rules get their order
 * only if still open when the hold has passed, across a restart too; an incident's members get
 * none, the incident exactly one order and one push; a split member its own; a site admin's edit
 * of a rule's dispatch applies without a restart.
 */
for (const kind of ['pglite', 'postgres'] as DbKind[]) {
  const present = kind === 'pglite' || (await available('postgres'));

  describe.skipIf(!present)(`dispatch on ${kind}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await startFixture(kind);
    });
    afterAll(async () => {
      await f?.close();
    });

    const orderOf = async (anomalyId: string) =>
      (
        await f.db.query<{ id: string; status: string; title_zh: string; merged_into: string | null }>(
          `select id::text as id, status, title_zh, merged_into::text as merged_into from work_orders where anomaly_id = $1`,
          [anomalyId],
        )
      ).rows[0];
    const pushCount = async (anomalyIds: readonly string[]) =>
      (await f.db.query<{ n: number }>('select count(*)::int as n from pushes where anomaly_id = any($1::bigint[])', [anomalyIds])).rows[0]?.n ?? 0;
    const clear = (id: string) =>
      f.db.query(`update anomalies set status = 'cleared', clear_closes_work_order = true, version = version + 1 where id = $1`, [id]);
    const lowBattery = (at: number, unitId = '1-1-102') => insertAnomaly(f.db, f.siteId, { rule: 'low-battery', severity: 'P4', unitId, at });

    it('a P4 anomaly cleared before its 30-minute hold gets no order; one still open after it gets one', async () => {
      const hold = holdMs('low-battery', 'P4');
      expect(hold).toBe(30 * MINUTE);
      const cleared = await lowBattery(f.clock.now);
      const stays = await lowBattery(f.clock.now, '2-1-101');
      await f.server.workOrders.onAnomaly(cleared);
      await f.server.workOrders.onAnomaly(stays);
      f.clock.advance(hold - 1);
      expect(await f.server.follower.sweep()).toBe(0);
      await clear(cleared);
      await f.server.workOrders.onAnomaly(cleared, { clearClosesWorkOrder: true });
      f.clock.advance(1);
      expect(await f.server.follower.sweep()).toBe(1);
      expect(await orderOf(cleared)).toBeUndefined();
      expect(await orderOf(stays)).toMatchObject({ status: 'dispatched' });
      f.clock.advance(hold);
      expect(await f.server.follower.sweep()).toBe(0);
      expect(await orderOf(cleared)).toBeUndefined();
      // One push, for the anomaly that got its order; none for the one that cleared.
      await waitFor(async () => (await pushCount([stays])) === 1, 'the push of the dispatched anomaly');
      expect(await pushCount([cleared])).toBe(0);
    });

    it('a hold survives a restart: the new server opens the order of an anomaly whose hold passed while it was down', async () => {
      const id = await lowBattery(f.clock.now);
      await f.server.workOrders.onAnomaly(id);
      await f.server.stop();
      f.clock.advance(holdMs('low-battery', 'P4') + MINUTE);
      f.server = await startWorkOrdersServer({ db: f.db, site: f.site, clock: f.clock, broker: f.broker, dataDir: f.dataDir, name: 'restarted' });
      f.cookie = await login(f.server.url);
      // startServer sweeps once before it is ready: no event, no timer, only the row.
      expect(await orderOf(id)).toMatchObject({ status: 'dispatched' });
    });

    /** 25 devices offline within seconds, grouped by the ingest as the contract says (rows only). */
    async function massEvent(members: number, opts: { dueIn?: number } = {}) {
      const firstAt = f.clock.now;
      const ids: string[] = [];
      for (let i = 0; i < members; i++)
        ids.push(await insertAnomaly(f.db, f.siteId, { rule: 'device-offline', severity: 'P3', unitId: `1-1-10${(i % 2) + 1}`, at: firstAt + i * 100 }));
      const lastAt = firstAt + (members - 1) * 100;
      const { rows } = await f.db.query<{ id: string }>(
        `insert into anomalies (site_id, rule, subject, dedup_key, status, severity, unit_id, device_id, opened_at, last_seen_at, reading_ts, count, evidence)
         values ($1, 'incident', 'device-offline@site', $2, 'open', 'P3', null, null, to_timestamp($3 / 1000.0), to_timestamp($3 / 1000.0), to_timestamp($3 / 1000.0), 1, $4)
         returning id::text as id`,
        [
          f.siteId,
          `incident:device-offline:site:${firstAt}`,
          lastAt + (opts.dueIn ?? 0),
          JSON.stringify({ memberRule: 'device-offline', scope: 'site', cause: 'mass', members, firstAt, lastAt, open: members }),
        ],
      );
      const incident = rows[0]?.id ?? '';
      await f.db.query('update anomalies set incident_id = $1 where id = any($2::bigint[])', [incident, ids]);
      return { incident, members: ids };
    }

    it('an incident of 25 members gets exactly one order and one push; its members none', async () => {
      const { incident, members } = await massEvent(25);
      for (const id of [...members, incident]) await f.server.workOrders.onAnomaly(id);
      expect(await orderOf(incident)).toBeUndefined();
      f.clock.advance(holdMs('device-offline', 'P3'));
      expect(await f.server.follower.sweep()).toBe(1);
      for (const id of [...members, incident]) await f.server.workOrders.onAnomaly(id);
      await f.server.notify.notifier.sweep();
      expect(await f.server.follower.sweep()).toBe(0);

      const order = await orderOf(incident);
      expect(order?.title_zh).toBe('关联事件：设备离线 ×25');
      const detail = (await f.api<WorkOrderDetail>('GET', `/api/v1/work-orders/${order?.id}`)).body;
      expect(detail.workOrder.checklist.map((i) => i.id)).toContain('find-common-cause');
      expect(detail.workOrder.department).toBe('maintenance');
      const all = await f.db.query<{ n: number }>('select count(*)::int as n from work_orders where anomaly_id = any($1::bigint[])', [[...members, incident]]);
      expect(all.rows[0]?.n).toBe(1);
      await waitFor(async () => (await pushCount([incident])) === 1, 'the incident push');
      await f.server.notify.notifier.sweep();
      expect(await pushCount([...members, incident])).toBe(1);
    });

    it("a member that had its order before the incident formed is merged into the incident's", async () => {
      const early = await insertAnomaly(f.db, f.siteId, {
        rule: 'device-offline',
        severity: 'P3',
        unitId: 'early',
        at: f.clock.now - holdMs('device-offline', 'P3'),
      });
      await f.server.workOrders.onAnomaly(early);
      const own = await orderOf(early);
      expect(own).toMatchObject({ status: 'dispatched' });
      const { incident, members } = await massEvent(12);
      await f.db.query('update anomalies set incident_id = $1 where id = $2', [incident, early]);
      f.clock.advance(holdMs('device-offline', 'P3'));
      for (const id of [early, ...members, incident]) await f.server.workOrders.onAnomaly(id);
      const target = await orderOf(incident);
      expect(target).toMatchObject({ status: 'dispatched' });
      expect(await orderOf(early)).toMatchObject({ status: 'cancelled', merged_into: target?.id });
      const timeline = (await f.api<WorkOrderDetail>('GET', `/api/v1/work-orders/${target?.id}`)).body.timeline;
      expect(timeline.find((e) => e.action === 'merge')).toMatchObject({ actor: '系统', payload: { duplicateIds: [own?.id] } });
    });

    it('a member split out of its incident gets its own order at once', async () => {
      const { incident, members } = await massEvent(10);
      const [split = '', kept = ''] = members;
      await f.db.query('update anomalies set split_at = to_timestamp($2 / 1000.0) where id = $1', [split, f.clock.now]);
      await f.server.workOrders.onAnomaly(split);
      await f.server.workOrders.onAnomaly(kept);
      expect(await orderOf(split)).toMatchObject({ status: 'dispatched' });
      expect(await orderOf(kept)).toBeUndefined();
      await waitFor(async () => (await pushCount([split])) === 1, 'the split member push');
      expect(await orderOf(incident)).toBeUndefined();
    });

    it('the monthly KPIs count incidents, not their members', async () => {
      const report = (await f.api<MonthlyReport>('GET', '/api/v1/reports/monthly?month=2026-03')).body;
      // Three mass events above (25, 12 + the early member, 10 of which one was split out).
      expect(report.anomalies).toMatchObject({ incidents: 3, folded: 25 + 13 + 9 });
      const counted = await f.db.query<{ n: number }>(
        `select count(*)::int as n from anomalies where site_id = $1 and (incident_id is null or split_at is not null)`,
        [f.siteId],
      );
      expect(report.anomalies.opened).toBe(counted.rows[0]?.n);
      // The merged member order is not an order of its own in the KPIs.
      const orders = await f.db.query<{ n: number }>('select count(*)::int as n from work_orders where site_id = $1 and merged_into is null', [f.siteId]);
      expect(report.rows[0]?.created).toBe(orders.rows[0]?.n);
      expect(report.anomalies.withOrder).toBe(report.anomalies.opened - report.anomalies.withoutOrder);
    });

    it("a site admin's dispatch edit (rule editor API) is validated, audited, and applies without a restart", async () => {
      let admin = await login(f.server.url, 'admin');
      const put = async (body: object) => {
        const response = await fetch(`${f.server.url}/api/v1/site/config/rules/low-battery`, {
          method: 'PUT',
          headers: { cookie: admin, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as SiteConfigDto & Err };
      };
      const revision = (await (await fetch(`${f.server.url}/api/v1/site/config`, { headers: { cookie: admin } })).json()) as SiteConfigDto;
      const bad = await put({ expectedRevision: revision.revision, site: {}, dispatch: { 'low-battery': { holdMinutes: -5 }, 'meter-jump': 'never' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.issues?.map((i) => i.path)).toEqual(['body.dispatch.low-battery.holdMinutes']);
      const foreign = await put({ expectedRevision: revision.revision, site: {}, dispatch: { 'meter-jump': 'never' } });
      expect(foreign.status).toBe(400);
      expect(foreign.body.error.issues?.map((i) => i.path)).toEqual(['body.dispatch.meter-jump']);

      const saved = await put({ expectedRevision: revision.revision, site: {}, dispatch: { 'low-battery': 'immediate' }, comment: '电池低电量立即派单' });
      expect(saved.status).toBe(200);
      expect(saved.body.revision).toBe(revision.revision + 1);
      expect((saved.body.document['workOrders'] as { dispatch: unknown }).dispatch).toEqual({ 'low-battery': 'immediate' });
      const audit = await f.db.query<{ action: string }>(`select action from audit_log where subject_type = 'rule' and subject_id = 'low-battery'`);
      expect(audit.rows).toEqual([{ action: 'site.rule.put' }]);

      const now = await lowBattery(f.clock.now);
      await f.server.workOrders.onAnomaly(now);
      expect(await orderOf(now)).toMatchObject({ status: 'dispatched' });

      const never = await put({ expectedRevision: revision.revision + 1, site: {}, dispatch: { 'low-battery': 'never' } });
      expect(never.status).toBe(200);
      const silent = await lowBattery(f.clock.now, '2-1-101');
      await f.server.workOrders.onAnomaly(silent);
      f.clock.advance(24 * 60 * MINUTE);
      await f.server.follower.sweep();
      expect(await orderOf(silent)).toBeUndefined();
      expect(await pushCount([silent])).toBe(0);
      // Listed in the daily digest with the low battery that cleared within its hold (the first test).
      const digest = (await f.api<ShiftDigest>('GET', '/api/v1/shift/digest?day=2026-03-10')).body;
      expect(digest.notDispatched).toContainEqual({ rule: 'low-battery', count: 2 });
      expect(digest.anomalies.map((a) => a.id)).toContain(silent);
      expect(digest.anomalies.filter((a) => a.incidentId !== null)).toEqual([]);
      expect((await f.api<Err>('GET', '/api/v1/shift/digest?day=2026-3-10')).status).toBe(400);

      // Back to the default: the 30-minute hold again (a new session: the day moved past the old one).
      admin = await login(f.server.url, 'admin');
      const reset = await put({ expectedRevision: revision.revision + 2, site: {}, dispatch: { 'low-battery': null } });
      expect(reset.body).toMatchObject({ revision: revision.revision + 3 });
      expect((reset.body.document['workOrders'] as { dispatch: unknown }).dispatch).toEqual({});
      await f.server.follower.sweep();
      expect(await orderOf(silent)).toMatchObject({ status: 'dispatched' });
    });
  });
}
