import { boardSnapshotSchema, topics } from '@dutyroom/domain';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSocket, devicePublisher, login } from '../harness/clients.ts';
import { available, waitFor } from '../harness/servers.ts';
import { startTestStack } from '../harness/stack.ts';

const T0 = Date.now() - 10 * 60_000;

/**
 * The foundation slice on real parts: a native reading published through a real broker is
 * stored, detected, turned into one work order for the grid's steward, pushed over socket.io
 * and acknowledged; bad input is dead-lettered and counted. Runs on every broker × database.
 */
const matrix = [
  { broker: 'aedes', db: 'pglite' },
  { broker: 'mosquitto', db: 'pglite' },
  { broker: 'aedes', db: 'postgres' },
  { broker: 'mosquitto', db: 'postgres' },
] as const;

for (const combo of matrix) {
  const needs = [...(combo.broker === 'mosquitto' ? (['mosquitto'] as const) : []), ...(combo.db === 'postgres' ? (['postgres'] as const) : [])];
  const present = await Promise.all(needs.map((n) => available(n)));

  describe.skipIf(present.includes(false))(`meter → work order on ${combo.broker} + ${combo.db}`, () => {
    let stack: Awaited<ReturnType<typeof startTestStack>>;
    let device: MqttClient;
    const publish = (deviceId: string, payload: unknown) =>
      device.publishAsync(topics.deviceMessage(stack.siteId, deviceId, 'reading'), typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
    const rows = async <T>(sql: string, params: unknown[] = []) => (await stack.db.query<T>(sql, params)).rows;

    beforeAll(async () => {
      stack = await startTestStack(combo);
      device = await devicePublisher(stack.mqttUrl);
    });
    afterAll(async () => {
      await device?.endAsync();
      await stack?.stop();
      await stack?.dropSchema();
    });

    it('opens one anomaly and one dispatched work order with the SOP checklist for the steward of the grid', async () => {
      await publish('wm-1-1-101', { ts: T0, total: 10, unit: 'm3' });
      await publish('wm-1-1-101', { ts: T0 + 60_000, total: 10.05, unit: 'm3', seq: 2 });

      const [order] = await waitFor(async () => {
        const found = await rows<{ id: number; status: string; assignee_id: string; checklist: { id: string }[]; unit_id: string }>(
          'select id, status, assignee_id, checklist, unit_id from work_orders',
        );
        return found.length > 0 && found;
      }, 'a work order');
      expect(order).toMatchObject({ status: 'dispatched', assignee_id: 'wang', unit_id: '1-1-101' });
      expect(order?.checklist.map((i) => i.id)).toEqual(['close-valve', 'front-desk-verify', 'phone-owner', 'leave-notice', 'patrol-log']);
      const anomalies = await rows<{ rule: string; status: string; count: number; evidence: { litres: number } }>(
        'select rule, status, count, evidence from anomalies',
      );
      expect(anomalies).toEqual([
        expect.objectContaining({ rule: 'vacant-unit-water', status: 'open', count: 1, evidence: expect.objectContaining({ litres: 50 }) }),
      ]);
      const [telemetry] = await rows<{ n: number }>(`select count(*)::int as n from telemetry where device_id = 'wm-1-1-101'`);
      expect(telemetry?.n).toBe(2);
    });

    it('never makes a second anomaly or work order from a redelivered message; a new reading updates the anomaly', async () => {
      await publish('wm-1-1-101', { ts: T0 + 60_000, total: 10.05, unit: 'm3', seq: 2 });
      await publish('wm-1-1-101', { ts: T0 + 60_000, total: 10.05, unit: 'm3', seq: 2 });
      await publish('wm-1-1-101', { ts: T0 + 120_000, total: 10.08, unit: 'm3', seq: 3 });
      const [anomaly] = await waitFor(async () => {
        const found = await rows<{ count: number }>('select count from anomalies');
        return found[0]?.count === 2 && found;
      }, 'the anomaly to count the new reading');
      expect(anomaly?.count).toBe(2);
      expect(await rows('select id from anomalies')).toHaveLength(1);
      // The redeliveries are kept as dead letters of reason "duplicate", with their bytes.
      expect(await rows(`select reason from dead_letters where reason = 'duplicate'`)).toHaveLength(2);
      expect(await rows('select id from work_orders')).toHaveLength(1);
    });

    it('dead-letters malformed JSON, schema failures and unknown devices, counts them per reason, and keeps running', async () => {
      await publish('wm-1-1-101', '{"ts": 1, "total":');
      await publish('wm-1-1-101', { ts: T0, total: -5 });
      await publish('no-such-meter', { ts: T0, total: 1 });
      const letters = await waitFor(async () => {
        const found = await rows<{ reason: string; payload: Buffer }>(`select reason, payload from dead_letters where reason <> 'duplicate' order by id`);
        return found.length >= 3 && found;
      }, 'three dead letters');
      expect(letters.map((l) => l.reason)).toEqual(['malformed-json', 'schema', 'unknown-device']);
      expect(Buffer.from(letters[0]?.payload ?? []).toString()).toBe('{"ts": 1, "total":');
      const metrics = await stack.ingest.metrics.registry.getSingleMetricAsString('dutyroom_ingest_rejections_total');
      expect(metrics).toMatch(/reason="malformed-json"} 1/);
      expect(metrics).toMatch(/reason="unknown-device"} 1/);

      // Still running: a custody unit's pulse meter (10 L per pulse) raises after bad input.
      await publish('wm-2-1-101', { ts: T0, pulses: 100 });
      await publish('wm-2-1-101', { ts: T0 + 60_000, pulses: 103 });
      await waitFor(
        async () => (await rows(`select id from work_orders where unit_id = '2-1-101' and assignee_id = 'li'`)).length === 1,
        'the custody unit order',
      );
    });

    it('pushes new orders to every console and shares an acknowledgement, stored and audited', async () => {
      const cookie = await login(stack.server.url);
      const [a, b] = await Promise.all([consoleSocket(stack.server.url, cookie), consoleSocket(stack.server.url, cookie)]);
      try {
        const board = boardSnapshotSchema.parse(await (await fetch(`${stack.server.url}/api/v1/board`, { headers: { cookie } })).json());
        expect(board.workOrders).toHaveLength(2);

        const [order] = await rows<{ id: string }>(`select id::text as id from work_orders where unit_id = '1-1-101'`);
        const result = await a.emitWithAck('workOrder:acknowledge', { id: order?.id ?? '' });
        expect(result).toEqual({ ok: true });
        const seenByB = await waitFor(
          () => b.workOrders.find((w) => w.id === order?.id && w.acknowledgedAt !== null),
          'the acknowledgement on the other console',
        );
        expect(seenByB.acknowledgedBy).toBe('值班员 张敏');
        expect(await rows(`select actor from audit_log where action = 'work-order.acknowledged' and subject_id = $1`, [order?.id])).toEqual([
          { actor: 'operator' },
        ]);

        expect(await a.emitWithAck('workOrder:acknowledge', { id: 'x; drop table' })).toMatchObject({ ok: false, code: 'VALIDATION' });
        expect(await a.emitWithAck('workOrder:acknowledge', { id: '999999' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      } finally {
        a.close();
        b.close();
      }
    });

    it('refuses the board and the socket without a session', async () => {
      const response = await fetch(`${stack.server.url}/api/v1/board`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'log in first' } });
      await expect(consoleSocket(stack.server.url, 'dutyroom_session=forged')).rejects.toThrow('UNAUTHENTICATED');
    });
  });
}
