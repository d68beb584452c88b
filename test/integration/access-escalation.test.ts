import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher, login } from '../harness/clients.ts';
import { waitFor } from '../harness/servers.ts';
import { runWater, startAccountsStack } from './access-stack.ts';

/**
 * P2 escalation on the real stack (SPEC §6/§7): unacknowledged, the push climbs steward →
 * on-duty steward → supervisor → manager; the steward's acknowledgement stops it, and the record
 * on the work order shows every page, its delivery and the acknowledgement.
 */
describe('push escalation until acknowledged', () => {
  let stack: Awaited<ReturnType<typeof startAccountsStack>>;
  let device: MqttClient;

  beforeAll(async () => {
    stack = await startAccountsStack({ ackTimeoutSeconds: { P2: 1 } });
    device = await devicePublisher(stack.mqttUrl);
  });
  afterAll(async () => {
    await device?.endAsync();
    await stack?.stop();
  });

  const pagedLevels = async (pushId: string) =>
    (
      await stack.db.query<{ level: string; person_id: string }>(
        `select distinct level, person_id from push_deliveries where push_id = $1 and person_id is not null order by level`,
        [pushId],
      )
    ).rows.map((r) => `${r.level}:${r.person_id}`);

  it('climbs the chain while nobody acknowledges, and stops at the acknowledgement', async () => {
    await runWater(device, stack.siteId, 'wm-1-1-101');
    const pushId = await waitFor(async () => (await stack.db.query<{ id: string }>('select id::text as id from pushes')).rows[0]?.id, 'the push');
    await waitFor(async () => (await pagedLevels(pushId)).includes('supervisor:chen'), 'the supervisor paged');
    const cookie = await login(stack.server.url, 'wang');
    const response = await fetch(`${stack.server.url}/api/v1/pushes/${pushId}/acknowledge`, { method: 'POST', headers: { cookie } });
    expect(response.status).toBe(200);
    const after = await pagedLevels(pushId);
    expect(after).toEqual(expect.arrayContaining(['steward:wang', 'on-duty:zhou', 'supervisor:chen']));

    // However long the ticker runs now, nobody else is paged.
    const before = (await stack.db.query<{ n: number }>('select count(*)::int as n from push_deliveries where push_id = $1', [pushId])).rows[0]?.n;
    await stack.server.notify.tick();
    await stack.server.notify.tick();
    const count = (await stack.db.query<{ n: number }>('select count(*)::int as n from push_deliveries where push_id = $1', [pushId])).rows[0]?.n;
    expect(count).toBe(before);

    const orderId = (await stack.db.query<{ id: string }>(`select id::text as id from work_orders where unit_id = '1-1-101'`)).rows[0]?.id;
    const record = (await (await fetch(`${stack.server.url}/api/v1/work-orders/${orderId}/pushes`, { headers: { cookie } })).json()) as {
      items: { status: string; acknowledgedBy: string; nextAt: number | null; deliveries: { level: string; channel: string; status: string }[] }[];
    };
    expect(record.items).toHaveLength(1);
    expect(record.items[0]).toMatchObject({ status: 'acknowledged', acknowledgedBy: '王管家', nextAt: null });
    expect(record.items[0]?.deliveries).toContainEqual(expect.objectContaining({ level: 'control-room', channel: 'console', status: 'delivered' }));
  });

  it('pages the person an SLA clock escalates to, once per event, on the record of the order', async () => {
    const orderId = (await stack.db.query<{ id: string }>(`select id::text as id from work_orders where unit_id = '1-1-101'`)).rows[0]?.id ?? '';
    const event = {
      siteId: stack.siteId,
      workOrderId: orderId,
      kind: 'escalation' as const,
      level: 2,
      count: 1,
      role: 'supervisor' as const,
      personId: 'chen',
      personName: '陈主管',
      step: 'arrive' as const,
      dueAt: Date.now() - 1000,
      at: Date.now(),
      severity: 'P2' as const,
      title: { zh: '空置房水表走动', en: 'Water running in a vacant unit' },
      drill: false,
    };
    stack.server.escalations.publish(event);
    stack.server.escalations.publish(event);
    const rows = await waitFor(async () => {
      const { rows } = await stack.db.query<{ id: string; person_id: string; level: string }>(
        `select p.id::text as id, d.person_id, d.level from pushes p join push_deliveries d on d.push_id = p.id where p.work_order_id = $1`,
        [orderId],
      );
      return rows.length > 0 ? rows : undefined;
    }, 'the SLA push');
    expect(new Set(rows.map((r) => r.id)).size).toBe(1);
    expect(rows.map((r) => `${r.level}:${r.person_id}`)).toContain('sla-escalation:chen');
    const cookie = await login(stack.server.url, 'chen');
    const record = (await (await fetch(`${stack.server.url}/api/v1/work-orders/${orderId}/pushes`, { headers: { cookie } })).json()) as {
      items: { status: string }[];
    };
    expect(record.items.map((p) => p.status)).toEqual(['acknowledged', 'sent']);
  });

  it('gives an open anomaly that has no push its push at the next sweep (safety net), once its dispatch hold has passed', async () => {
    // P2 anomalies are held 20 s (docs/work-orders.md §Dispatch): one opened past its hold, one just now.
    const insert = async (suffix: string, ageSeconds: number) =>
      (
        await stack.db.query<{ id: string }>(
          `insert into anomalies (site_id, rule, subject, dedup_key, status, severity, unit_id, device_id, opened_at, last_seen_at, reading_ts)
           select site_id, rule, 'sweep-test', dedup_key || $1, 'open', severity, unit_id, device_id,
             now() - make_interval(secs => $2), now(), now() from anomalies where rule = 'vacant-unit-water' limit 1
           returning id::text as id`,
          [suffix, ageSeconds],
        )
      ).rows[0]?.id;
    const due = await insert(':sweep', 21);
    const held = await insert(':sweep-held', 0);
    expect(await stack.server.notify.notifier.sweep()).toBeGreaterThanOrEqual(1);
    expect((await stack.db.query('select 1 from pushes where anomaly_id = $1', [due])).rows).toHaveLength(1);
    expect((await stack.db.query('select 1 from pushes where anomaly_id = $1', [held])).rows).toHaveLength(0);
    expect(await stack.server.notify.notifier.sweep()).toBe(0);
  });
});
