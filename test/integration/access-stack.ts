import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configSchema, dispatchPolicyFor, type SiteFile, siteNotifySchema, topics } from '@dutyroom/domain';
import { type Stack, startStack } from '@dutyroom/launcher';
import { createLogger } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { uniqueName } from '../harness/servers.ts';
import { testSite } from '../harness/stack.ts';

/**
 * The real product (embedded broker, PGlite) with the harness's test site plus the people and
 * push settings the accounts tests need: a supervisor and a manager for the escalation chain,
 * an on-duty steward, and `notify` as given (short acknowledgement times, local webhooks).
 */
export async function startAccountsStack(notify: unknown = {}, options: { consoleDir?: string } = {}): Promise<Stack & { site: SiteFile; siteId: string }> {
  const siteId = uniqueName('t').replace(/_/g, '-');
  const base = testSite(siteId);
  const site: SiteFile = {
    ...base,
    people: [
      ...base.people,
      { id: 'zhou', name: '周值班', role: 'steward' },
      { id: 'chen', name: '陈主管', role: 'supervisor' },
      { id: 'he', name: '何经理', role: 'manager' },
      { id: 'zhao', name: '赵工程', role: 'maintenance' },
      { id: 'sun', name: '孙安保', role: 'security' },
      { id: 'qian', name: '钱客服', role: 'customer-service' },
    ],
    onDuty: 'zhou',
    units: [
      ...base.units,
      {
        id: '2-1-102',
        building: '2',
        floor: 1,
        occupancy: { status: 'vacant' },
        keyHeld: false,
        owner: { name: '刘业主', phone: '13900002222' },
        devices: [{ id: 'wm-2-1-102', kind: 'water-meter' }],
      },
    ],
    notify: siteNotifySchema.parse(notify),
  };
  const config = configSchema.parse({
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { embeddedPort: 0 },
    ingest: { clientId: `${siteId}-ingest` },
    server: { clientId: `${siteId}-server` },
    demo: true,
    logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
  });
  const stack = await startStack({ config, site, log: createLogger(config.logLevel), inMemoryDb: true, consoleDir: options.consoleDir });
  return { ...stack, site, siteId };
}

/** How long the vacant-unit-water anomaly is held before its order and push (docs/work-orders.md §Dispatch). */
export const VACANT_WATER_HOLD = ((p) => (p.mode === 'hold' ? p.ms : 0))(dispatchPolicyFor('vacant-unit-water', 'P2'));

/**
 * Two readings a minute apart that make a vacant unit's meter run: the P2 空置房水表走动 anomaly.
 * By default the water has been running since just past its dispatch hold, so its order and push
 * are due as soon as it is stored (the hold itself is tested in work-orders-dispatch.test.ts).
 */
export async function runWater(device: MqttClient, siteId: string, meterId: string, at = Date.now() - VACANT_WATER_HOLD - 1000): Promise<void> {
  const topic = topics.deviceMessage(siteId, meterId, 'reading');
  await device.publishAsync(topic, JSON.stringify({ ts: at - 60_000, total: 3.2 }), { qos: 1 });
  await device.publishAsync(topic, JSON.stringify({ ts: at, total: 3.25 }), { qos: 1 });
}

export interface Received {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** A local HTTP receiver (push service or group robot) that records requests and answers as told. */
export async function localReceiver(answer: (request: Received, index: number) => { status: number; body?: unknown }): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const entry = { url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) };
      received.push(entry);
      const { status, body } = answer(entry, received.length - 1);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
