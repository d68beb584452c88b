import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EscalationEvent, WorkOrderDto } from '@dutyroom/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSocket } from '../harness/clients.ts';
import { available, servers, waitFor } from '../harness/servers.ts';
import { type DbKind, type Fixture, MINUTE, startFixture, startWorkOrdersServer, T0 } from './work-orders-fixtures.ts';

type One = { workOrder: WorkOrderDto };

/**
 * SLA clocks on the real server and database (SPEC §6): the test holds the clock and calls the
 * ticker, so nothing sleeps. Includes a restart in the middle of a pending escalation and two
 * server processes racing for the same escalations.
 */
for (const kind of ['pglite', 'postgres'] as DbKind[]) {
  const present = kind === 'pglite' || (await available('postgres'));

  describe.skipIf(!present)(`SLA clocks on ${kind}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await startFixture(kind);
    });
    afterAll(async () => {
      await f?.close();
    });

    const dispatched = async (severity = 'P3') => {
      const created = await f.api<One>('POST', '/api/v1/work-orders', {
        category: 'repair',
        channel: 'phone',
        unitId: '1-1-102',
        description: '卫生间漏水',
        severity,
        dispatch: { department: 'maintenance', assigneeId: 'chen' },
      });
      expect(created.body.workOrder).toMatchObject({ status: 'dispatched', step: 'contact' });
      return created.body.workOrder;
    };
    const row = async (id: string) =>
      (await f.db.query<{ escalation_count: number; warned: boolean }>('select escalation_count, warned from work_orders where id = $1', [id])).rows[0];
    const escalationRows = async (id: string) =>
      (
        await f.db.query<{ kind: string; count: number; level: number; person_id: string }>(
          'select kind, count, level, person_id from work_order_escalations where work_order_id = $1 order by work_order_escalations.id',
          [id],
        )
      ).rows;

    it('003 跟随制: warns the assignee before the breach, escalates along the chain on it, re-escalates while nothing happens, once each', async () => {
      const start = f.clock.now;
      const order = await dispatched();
      const events: EscalationEvent[] = [];
      const unsubscribe = f.server.escalations.subscribe((e) => {
        if (e.workOrderId === order.id) events.push(e);
      });
      const socket = await consoleSocket(f.server.url, f.cookie);
      const pushed: EscalationEvent[] = [];
      socket.on('workOrder:escalated', (e) => pushed.push(e));
      try {
        const at = async (minutes: number) => {
          f.clock.now = start + minutes * MINUTE;
          return f.server.slaTicker.tick();
        };
        expect(await at(7)).toMatchObject({ warnings: 0, escalations: 0 });
        expect(await at(8)).toMatchObject({ warnings: 1, escalations: 0 });
        expect(await at(9)).toMatchObject({ warnings: 0, escalations: 0 });
        expect(await at(10)).toMatchObject({ escalations: 1 });
        expect(await at(10)).toMatchObject({ escalations: 0 });
        expect(await at(39)).toMatchObject({ escalations: 0 });
        expect(await at(40)).toMatchObject({ escalations: 1 });
        expect(await at(70)).toMatchObject({ escalations: 1 });
        expect(await at(100)).toMatchObject({ escalations: 1 });
        expect(events.map((e) => [e.kind, e.level, e.role, e.personId])).toEqual([
          ['warning', 0, 'assignee', 'chen'],
          ['escalation', 1, 'on-duty', 'zhao'],
          ['escalation', 2, 'supervisor', 'sun'],
          ['escalation', 3, 'manager', 'zhou'],
          ['escalation', 3, 'manager', 'zhou'],
        ]);
        await waitFor(() => pushed.length === 5, 'the escalations on the socket');
        const metrics = await (await fetch(`${f.server.url}/metrics`)).text();
        expect(metrics).toContain('dutyroom_work_order_escalations_total{kind="escalation",level="3"} 2');
        expect((await f.api<{ workOrder: WorkOrderDto }>('GET', `/api/v1/work-orders/${order.id}`)).body.workOrder.escalationLevel).toBe(3);

        // Somebody acts: the next step's clock starts from zero.
        const accepted = await f.api<One>('POST', `/api/v1/work-orders/${order.id}/transitions`, { action: 'accept' });
        expect(accepted.body.workOrder).toMatchObject({ step: 'arrive', escalationLevel: 0, dueAt: f.clock.now + 30 * MINUTE });
        expect(await at(101)).toMatchObject({ escalations: 0, warnings: 0 });
      } finally {
        unsubscribe();
        socket.close();
      }
    });

    it('keeps a pending escalation across a restart of the server and fires it once', async () => {
      const start = f.clock.now;
      const order = await dispatched();
      f.clock.now = start + 10 * MINUTE;
      expect(await f.server.slaTicker.tick()).toMatchObject({ escalations: 1 });

      await f.server.stop();
      // Down for half an hour: the level-2 escalation (due at +40 min) becomes due meanwhile.
      f.clock.now = start + 41 * MINUTE;
      f.server = await startWorkOrdersServer({ db: f.db, site: f.site, clock: f.clock, broker: f.broker, dataDir: f.dataDir, name: 'a' });
      const events: EscalationEvent[] = [];
      const unsubscribe = f.server.escalations.subscribe((e) => {
        if (e.workOrderId === order.id) events.push(e);
      });
      try {
        await f.server.slaTicker.tick();
        await f.server.slaTicker.tick();
        expect(events.map((e) => [e.count, e.personId])).toEqual([[2, 'sun']]);
        expect(await escalationRows(order.id)).toEqual([
          { kind: 'escalation', count: 1, level: 1, person_id: 'zhao' },
          { kind: 'escalation', count: 2, level: 2, person_id: 'sun' },
        ]);
        expect(await row(order.id)).toMatchObject({ escalation_count: 2 });
      } finally {
        unsubscribe();
      }
    });

    it('two server processes racing over the same due clocks fire each escalation exactly once', async () => {
      const start = f.clock.now;
      const orders = [];
      for (let i = 0; i < 12; i++) orders.push(await dispatched('P2'));
      const ids = new Set(orders.map((o) => o.id));
      const second = await startWorkOrdersServer({ db: await f.openAnother(), site: f.site, clock: f.clock, broker: f.broker, dataDir: f.dataDir, name: 'b' });
      const events: EscalationEvent[] = [];
      const record = (e: EscalationEvent) => {
        if (ids.has(e.workOrderId)) events.push(e);
      };
      const offA = f.server.escalations.subscribe(record);
      const offB = second.escalations.subscribe(record);
      try {
        for (const minutes of [8, 10, 20, 30]) {
          f.clock.now = start + minutes * MINUTE;
          await Promise.all([f.server.slaTicker.tick(), second.slaTicker.tick(), f.server.slaTicker.tick(), second.slaTicker.tick()]);
        }
        // Per order: the warning at 8, escalations 1 (10 min), 2 (20) and 3 (30; P2 re-escalates every 10 minutes).
        const keys = events.map((e) => `${e.workOrderId}:${e.kind}:${e.count}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).toHaveLength(12 * 4);
        const { rows } = await f.db.query<{ n: number }>('select count(*)::int as n from work_order_escalations where work_order_id = any($1)', [[...ids]]);
        expect(rows[0]?.n).toBe(12 * 4);
      } finally {
        offA();
        offB();
        await second.stop();
      }
    });

    it('003 客服: the 24-hour progress update is a reminder on the order until it is done', async () => {
      // A morning (10:00 local), so 24 h later is not in a quiet period (服务细节).
      f.clock.now = T0 + 7 * 24 * 60 * MINUTE;
      // The orders of the tests before are owed their updates too: remind them first.
      await f.server.slaTicker.tick();
      const start = f.clock.now;
      const order = await dispatched();
      expect(order.progressUpdateDueAt).toBe(start + 24 * 60 * MINUTE);
      f.clock.now = start + 24 * 60 * MINUTE;
      expect(await f.server.slaTicker.tick()).toMatchObject({ progressReminders: 1 });
      expect(await f.server.slaTicker.tick()).toMatchObject({ progressReminders: 0 });
      const overdue = await f.db.query<{ progress_overdue: boolean }>('select progress_overdue from work_orders where id = $1', [order.id]);
      expect(overdue.rows[0]?.progress_overdue).toBe(true);

      f.clock.now = start + 25 * 60 * MINUTE;
      const updated = await f.api<One>('POST', `/api/v1/work-orders/${order.id}/progress-updates`, { text: '已告知业主配件明天到', channel: 'phone' });
      expect(updated.body.workOrder.progressUpdateDueAt).toBe(f.clock.now + 24 * 60 * MINUTE);
      // Late at night the next reminder moves to the morning (非紧急情况下…晚上21时以后不打电话).
      f.clock.now = start + 12 * 60 * MINUTE;
      const late = await f.api<One>('POST', `/api/v1/work-orders/${order.id}/progress-updates`, { text: '维修师傅明早上门' });
      expect(late.body.workOrder.progressUpdateDueAt).toBe(start + (24 + 22) * 60 * MINUTE);
      const cleared = await f.db.query<{ progress_overdue: boolean }>('select progress_overdue from work_orders where id = $1', [order.id]);
      expect(cleared.rows[0]?.progress_overdue).toBe(false);
    });

    it('升级 by hand calls the next person of the chain now, and the clock does not call them a second time', async () => {
      const start = f.clock.now;
      const order = await dispatched();
      const events: EscalationEvent[] = [];
      const unsubscribe = f.server.escalations.subscribe((e) => {
        if (e.workOrderId === order.id) events.push(e);
      });
      try {
        const first = await f.api<One>('POST', `/api/v1/work-orders/${order.id}/escalate`, { note: '业主第三次来电' });
        expect(first.status).toBe(200);
        expect(first.body.workOrder.escalationLevel).toBeGreaterThanOrEqual(1);
        await f.api<One>('POST', `/api/v1/work-orders/${order.id}/escalate`, {});
        expect(events.map((e) => [e.level, e.role, e.personId])).toEqual([
          [1, 'on-duty', 'zhao'],
          [2, 'supervisor', 'sun'],
        ]);
        // The breach of the contact step (10 min) would escalate to count 1: already done by hand.
        f.clock.now = start + 10 * MINUTE;
        expect(await f.server.slaTicker.tick()).toMatchObject({ escalations: 0 });
        expect(await escalationRows(order.id)).toEqual([
          expect.objectContaining({ kind: 'escalation', count: 1, person_id: 'zhao' }),
          expect.objectContaining({ kind: 'escalation', count: 2, person_id: 'sun' }),
        ]);
        const audited = await f.db.query<{ n: number }>(
          "select count(*)::int as n from audit_log where action = 'work-order.escalated-by-hand' and subject_id = $1",
          [order.id],
        );
        expect(audited.rows[0]?.n).toBe(2);

        await f.api('POST', `/api/v1/work-orders/${order.id}/transitions`, { action: 'cancel', reason: '业主撤回' });
        const finished = await f.api<{ error: { code: string } }>('POST', `/api/v1/work-orders/${order.id}/escalate`, {});
        expect([finished.status, finished.body.error.code]).toEqual([409, 'WO_INVALID_TRANSITION']);
        const unknown = await f.api<{ error: { code: string } }>('POST', '/api/v1/work-orders/999999/escalate', {});
        expect(unknown.status).toBe(404);
      } finally {
        unsubscribe();
      }
    });
  });
}

/** Two real OS processes (each its own server, pool and event loop) racing over PostgreSQL. */
describe.skipIf(!(await available('postgres')))('SLA clocks in two server processes', () => {
  let f: Fixture;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    f = await startFixture('postgres');
  });
  afterAll(async () => {
    for (const child of children) child.kill();
    await f?.close();
  });

  const spawnServer = async (name: string, siteFile: string, schema: string): Promise<ChildProcess> => {
    const child = fork(fileURLToPath(new URL('./work-orders-process.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        WO_SITE_FILE: siteFile,
        WO_DATABASE_URL: servers.postgres.url,
        WO_SCHEMA: schema,
        WO_NOW: String(f.clock.now),
        WO_BROKER_URL: f.broker.url,
        WO_DATA_DIR: f.dataDir,
        WO_NAME: name,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    await once(child, 'message');
    return child;
  };
  const tick = async (child: ChildProcess, now: number): Promise<EscalationEvent[]> => {
    const answer = once(child, 'message');
    child.send({ type: 'tick', now });
    const [reply] = (await answer) as [{ type: string; events?: EscalationEvent[]; message?: string }];
    if (reply.type !== 'ticked') throw new Error(`the child failed: ${reply.message}`);
    return reply.events ?? [];
  };

  it('fire each warning and escalation once between them', async () => {
    const start = f.clock.now;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const created = await f.api<One>('POST', '/api/v1/work-orders', {
        category: 'complaint',
        channel: 'visit',
        description: `噪音投诉 ${i}`,
        severity: 'P2',
        dispatch: { department: 'customer-service', assigneeId: 'wang' },
      });
      ids.push(created.body.workOrder.id);
    }
    const [{ schema } = { schema: '' }] = (await f.db.query<{ schema: string }>('select current_schema() as schema')).rows;
    const siteFile = join(f.dataDir, 'site.yaml');
    // JSON is YAML: the parsed site file, written back for the child processes.
    await writeFile(siteFile, JSON.stringify(f.site));
    const [a, b] = await Promise.all([spawnServer('p1', siteFile, schema), spawnServer('p2', siteFile, schema)]);
    const events: EscalationEvent[] = [];
    // Contact step for customer service: 30 min; warn at 24; P2 re-escalates every 10 minutes.
    for (const minutes of [24, 30, 40, 50]) {
      const now = start + minutes * MINUTE;
      const [fromA, fromB] = await Promise.all([tick(a, now), tick(b, now)]);
      events.push(...fromA, ...fromB);
    }
    const mine = events.filter((e) => ids.includes(e.workOrderId)).map((e) => `${e.workOrderId}:${e.kind}:${e.count}`);
    expect(new Set(mine).size).toBe(mine.length);
    expect(mine).toHaveLength(10 * 4);
    for (const child of [a, b]) child.send({ type: 'stop' });
    await Promise.all([once(a, 'exit'), once(b, 'exit')]);
  });
});
