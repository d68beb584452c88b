import { anomalyEventSchema, topicFilters, topics } from '@dutyroom/domain';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher, login } from '../harness/clients.ts';
import { available, uniqueName, waitFor } from '../harness/servers.ts';
import { startTestStack } from '../harness/stack.ts';

/**
 * The ingest on the real broker and database: anomaly events published retained at QoS 1 with the
 * triggering reading's time, drills labelled 演练 end to end, bad input dead-lettered, counted per
 * reason and visible through the server's API.
 */
const combos = [
  { broker: 'mosquitto', db: 'postgres' },
  { broker: 'aedes', db: 'pglite' },
] as const;

for (const combo of combos) {
  const needs = [...(combo.broker === 'mosquitto' ? (['mosquitto'] as const) : []), ...(combo.db === 'postgres' ? (['postgres'] as const) : [])];
  const present = await Promise.all(needs.map((n) => available(n)));

  describe.skipIf(present.includes(false))(`ingest on ${combo.broker} + ${combo.db}`, () => {
    let stack: Awaited<ReturnType<typeof startTestStack>>;
    let device: MqttClient;
    const publish = (deviceId: string, payload: unknown) =>
      device.publishAsync(topics.deviceMessage(stack.siteId, deviceId, 'reading'), typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
    const rows = async <T>(sql: string, params: unknown[] = []) => (await stack.db.query<T>(sql, params)).rows;
    const subscriber = async () => {
      const client = await mqtt.connectAsync(stack.mqttUrl, { clientId: uniqueName('bms'), clean: true });
      const received: { topic: string; payload: string; retain: boolean; qos: number }[] = [];
      client.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain, qos: packet.qos }));
      await client.subscribeAsync(topicFilters.anomalies(stack.siteId), { qos: 1 });
      return { client, received };
    };

    beforeAll(async () => {
      stack = await startTestStack(combo);
      device = await devicePublisher(stack.mqttUrl);
    });
    afterAll(async () => {
      // Leave the shared broker as found: an empty retained payload deletes each retained anomaly state.
      const ids = stack ? await rows<{ id: string }>('select id::text as id from anomalies') : [];
      for (const { id } of ids) await device?.publishAsync(topics.anomaly(stack.siteId, id), '', { qos: 1, retain: true });
      await device?.endAsync();
      await stack?.stop();
      await stack?.dropSchema();
    });

    it('演练: a drill reading opens a drill anomaly and a drill work order, published retained at QoS 1 with the reading’s time', async () => {
      const live = await subscriber();
      try {
        const t0 = Date.now() - 5 * 60_000;
        await publish('wm-1-1-101', { ts: t0, total: 20, drill: true });
        await publish('wm-1-1-101', { ts: t0 + 60_000, total: 20.05, drill: true, seq: 2 });
        const event = await waitFor(() => live.received.find((m) => m.payload.includes('"opened"')), 'the anomaly event');
        const parsed = anomalyEventSchema.parse(JSON.parse(event.payload));
        expect(parsed).toMatchObject({
          change: 'opened',
          anomaly: { drill: true, readingTs: t0 + 60_000, rule: 'vacant-unit-water', clearClosesWorkOrder: null },
        });
        expect(event.topic).toBe(topics.anomaly(stack.siteId, parsed.anomaly.id));
        expect(event.qos).toBe(1);

        // A building management system that connects later gets the state from the retained message.
        const late = await subscriber();
        try {
          const retained = await waitFor(() => late.received.find((m) => m.topic === event.topic), 'the retained anomaly state');
          expect(retained.retain).toBe(true);
          expect(anomalyEventSchema.parse(JSON.parse(retained.payload)).anomaly.drill).toBe(true);
        } finally {
          await late.client.endAsync();
        }
        const [order] = await waitFor(async () => {
          const found = await rows<{ drill: boolean }>('select drill from work_orders where anomaly_id = $1', [parsed.anomaly.id]);
          return found.length > 0 && found;
        }, 'the drill work order');
        expect(order?.drill).toBe(true);
      } finally {
        await live.client.endAsync();
      }
    });

    it('dead-letters bad input by a documented reason, counts it, and shows it through the API', async () => {
      const now = Date.now();
      await publish('wm-1-1-102', '{"ts": 1, "total":');
      await publish('wm-1-1-102', { ts: now, total: -5 });
      await publish('wm-1-1-102', { ts: now, total: 'NaN' });
      await publish('no-such-meter', { ts: now, total: 1 });
      await publish('wm-1-1-102', `{"ts": ${now}, "total": 1, "pad": "${'x'.repeat(70 * 1024)}"}`);
      // A clock far ahead is not a reason to lose the reading: it is kept with the broker's time and counted.
      await publish('wm-1-1-102', { ts: now + 86_400_000, total: 7 });
      await publish('wm-1-1-102', { ts: now + 1000, total: 7.5, seq: 1 });
      await publish('wm-1-1-102', { ts: now + 1000, total: 7.5, seq: 1 });

      const letters = await waitFor(async () => {
        const found = await rows<{ reason: string; payload: Buffer }>('select reason, payload from dead_letters order by id');
        return found.length >= 6 && found;
      }, 'six dead letters');
      expect(letters.map((l) => l.reason)).toEqual(['malformed-json', 'schema', 'schema', 'unknown-device', 'oversize', 'duplicate']);
      expect(Buffer.from(letters[0]?.payload ?? []).toString()).toBe('{"ts": 1, "total":');
      expect(letters[4]?.payload.length).toBe(64 * 1024);

      const rejections = await stack.ingest.metrics.registry.getSingleMetricAsString('dutyroom_ingest_rejections_total');
      for (const [reason, n] of [
        ['malformed-json', 1],
        ['schema', 2],
        ['unknown-device', 1],
        ['oversize', 1],
        ['duplicate', 1],
      ] as const)
        expect(rejections).toContain(`reason="${reason}"} ${n}`);
      expect(await stack.ingest.metrics.registry.getSingleMetricAsString('dutyroom_ingest_handled_total')).toContain('rule="timestamp-future"} 1');
      const [stored] = await rows<{ ts: number }>(
        `select (extract(epoch from ts) * 1000)::float8 as ts from telemetry where device_id = 'wm-1-1-102' and value = 7`,
      );
      expect(Math.abs((stored?.ts ?? 0) - now)).toBeLessThan(60_000);

      const cookie = await login(stack.server.url);
      const response = await fetch(`${stack.server.url}/api/v1/dead-letters`, { headers: { cookie } });
      const body = (await response.json()) as { items: { reason: string; payload: string }[]; counts: Record<string, number> };
      expect(body.counts).toMatchObject({ 'malformed-json': 1, schema: 2, 'unknown-device': 1, oversize: 1, duplicate: 1 });
      expect(body.items.find((i) => i.reason === 'malformed-json')?.payload).toBe('{"ts": 1, "total":');

      // Filtered by reason, and paged backwards with `next`.
      const page = async (query: string) =>
        (await (await fetch(`${stack.server.url}/api/v1/dead-letters?${query}`, { headers: { cookie } })).json()) as {
          items: { id: string; reason: string }[];
          next: string | null;
        };
      const schema = await page('reason=schema');
      expect(schema.items.map((i) => i.reason)).toEqual(['schema', 'schema']);
      const first = await page('limit=2');
      expect(first.items).toHaveLength(2);
      const second = await page(`limit=2&before=${first.next}`);
      expect(second.items.map((i) => Number(i.id)).every((id) => id < Number(first.next))).toBe(true);
      expect((await fetch(`${stack.server.url}/api/v1/dead-letters?limit=0`, { headers: { cookie } })).status).toBe(400);
    });
  });
}
