import type { ClientToServerEvents, PushDto } from '@dutyroom/domain';
import type { MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleSocket, consoleSocket, devicePublisher, login } from '../harness/clients.ts';
import { waitFor } from '../harness/servers.ts';
import { runWater, startAccountsStack } from './access-stack.ts';

/**
 * The access suite (issue 6): every registered REST route and every socket event, as every role
 * and as an anonymous client. Grid g1 (unit 1-1-101) belongs to steward wang, grid g2 (unit
 * 2-1-102, owner phone 13900002222) to steward li; nothing of one grid may reach the other's steward.
 */

/** Every client event; the type check below fails when an event is added without being tried here. */
const clientEvents = ['workOrder:acknowledge', 'push:acknowledge'] as const satisfies readonly (keyof ClientToServerEvents)[];
type Untested = Exclude<keyof ClientToServerEvents, (typeof clientEvents)[number]>;
const everyEventTried: [Untested] extends [never] ? true : false = true;

const accounts = {
  operator: 'operator',
  admin: 'admin',
  'customer-service': 'qian',
  'steward g1': 'wang',
  'steward g2': 'li',
  maintenance: 'zhao',
  security: 'sun',
  supervisor: 'chen',
  manager: 'he',
} as const;
type Who = keyof typeof accounts | 'anonymous';

const G1_UNIT = '1-1-101';
const G2_UNIT = '2-1-102';
const G2_OWNER_PHONE = '13900002222';
/** Routes anyone may call (logging out without a session is harmless and idempotent). */
const PUBLIC = new Set(['GET /api/v1/info', 'POST /api/v1/session', 'DELETE /api/v1/session', 'GET /api/v1/openapi.json']);
/** Routes that end the caller's own sessions: tried last, on their own. */
const SESSION_ENDING = new Set(['DELETE /api/v1/session', 'DELETE /api/v1/sessions', 'POST /api/v1/me/password']);

describe('access: every route and event × every role', () => {
  let stack: Awaited<ReturnType<typeof startAccountsStack>>;
  let device: MqttClient;
  const cookies = new Map<Who, string>();
  const sockets = new Map<Who, ConsoleSocket & { pushes: PushDto[] }>();
  const ids = { g1Order: '', g2Order: '', g1Push: '', g2Push: '' };

  const call = async (who: Who, method: string, path: string, body?: unknown) => {
    const cookie = cookies.get(who);
    const response = await fetch(`${stack.server.url}${path}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    stack = await startAccountsStack({ ackTimeoutSeconds: { P1: 3600, P2: 3600 } });
    device = await devicePublisher(stack.mqttUrl);
    for (const [who, username] of Object.entries(accounts)) {
      const cookie = await login(stack.server.url, username);
      cookies.set(who as Who, cookie);
      const socket = (await consoleSocket(stack.server.url, cookie)) as ConsoleSocket & { pushes: PushDto[] };
      socket.pushes = [];
      socket.on('push:upserted', (p) => socket.pushes.push(p));
      sockets.set(who as Who, socket);
    }
    await runWater(device, stack.siteId, 'wm-1-1-101');
    await runWater(device, stack.siteId, 'wm-2-1-102');
    const rows = await waitFor(async () => {
      const { rows } = await stack.db.query<{ unit_id: string; order_id: string; push_id: string }>(
        `select w.unit_id, w.id::text as order_id, p.id::text as push_id from work_orders w join pushes p on p.anomaly_id = w.anomaly_id`,
      );
      return rows.length === 2 ? rows : undefined;
    }, 'two orders with their pushes');
    for (const r of rows) {
      if (r.unit_id === G1_UNIT) Object.assign(ids, { g1Order: r.order_id, g1Push: r.push_id });
      else Object.assign(ids, { g2Order: r.order_id, g2Push: r.push_id });
    }
    // Let the realtime fan-out settle before the socket assertions.
    await waitFor(() => (sockets.get('steward g2')?.pushes.length ?? 0) > 0 && (sockets.get('operator')?.workOrders.length ?? 0) >= 2, 'fan-out');
  });
  afterAll(async () => {
    for (const s of sockets.values()) s.close();
    await device?.endAsync();
    await stack?.stop();
  });

  /** Fills a route pattern with the ids of grid g1's records. */
  const fill = (url: string) =>
    url
      .replace(/\/work-orders\/:id/, `/work-orders/${ids.g1Order}`)
      .replace(/\/pushes\/:id/, `/pushes/${ids.g1Push}`)
      .replace(/\/units\/:id/, `/units/${G1_UNIT}`)
      .replace(/:[A-Za-z]+/g, '1');

  const apiRoutes = () => stack.server.routes.filter((r) => r.url.startsWith('/api/') && r.url !== '/api/*' && r.method !== 'HEAD' && r.method !== 'OPTIONS');

  it('lists the routes it tries (the suite cannot pass on an empty list)', () => {
    expect(everyEventTried).toBe(true);
    const keys = apiRoutes().map((r) => `${r.method} ${r.url}`);
    for (const expected of ['GET /api/v1/me', 'POST /api/v1/push/subscriptions', 'PATCH /api/v1/me/duty', 'GET /api/v1/units/:id/owner'])
      expect(keys).toContain(expected);
  });

  it('refuses every non-public route to an anonymous client with 401', async () => {
    const answers: string[] = [];
    for (const r of apiRoutes()) {
      const { status } = await call('anonymous', r.method, fill(r.url), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      if (!PUBLIC.has(`${r.method} ${r.url}`)) answers.push(`${r.method} ${r.url} → ${status}`);
    }
    expect(answers.filter((a) => !a.endsWith('→ 401'))).toEqual([]);
  });

  it('never fails with 5xx, and never leaks another grid or an unmasked owner phone', async () => {
    const problems: string[] = [];
    for (const who of Object.keys(accounts) as (keyof typeof accounts)[]) {
      for (const r of apiRoutes()) {
        if (SESSION_ENDING.has(`${r.method} ${r.url}`)) continue;
        for (const grid of ['g1', 'g2'] as const) {
          const path = grid === 'g1' ? fill(r.url) : fill(r.url).replace(ids.g1Order, ids.g2Order).replace(ids.g1Push, ids.g2Push).replace(G1_UNIT, G2_UNIT);
          const { status, text } = await call(who, r.method, path, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
          const where = `${who}: ${r.method} ${path} → ${status}`;
          if (status >= 500) problems.push(`${where} (server error)`);
          // Asked about the other grid: any success is a leak. Otherwise its data must not appear at all.
          const foreign = (other: 'g1' | 'g2', marks: readonly string[]) =>
            grid === other ? status < 300 && r.method === 'GET' && marks.some((m) => text.includes(m)) : marks.some((m) => text.includes(m));
          if (who === 'steward g2' && foreign('g1', [G1_UNIT])) problems.push(`${where} leaks grid g1`);
          if (who === 'steward g1' && foreign('g2', [G2_UNIT, G2_OWNER_PHONE])) problems.push(`${where} leaks grid g2`);
          if ((who === 'maintenance' || who === 'security') && text.includes(G2_OWNER_PHONE)) problems.push(`${where} shows the owner's phone`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each([
    ['GET', '/api/v1/board', { operator: 200, 'steward g1': 403, maintenance: 403, admin: 200 }],
    ['GET', '/api/v1/dead-letters', { operator: 200, 'steward g1': 403, 'customer-service': 403, security: 403, admin: 200 }],
    ['GET', '/api/v1/pushes/recent', { operator: 200, supervisor: 200, 'steward g1': 403, maintenance: 403 }],
    ['GET', `/api/v1/units/${G2_UNIT}/owner`, { 'steward g2': 200, 'steward g1': 404, maintenance: 404, 'customer-service': 200 }],
    ['POST', '/api/v1/roster/shifts', { 'steward g1': 403, supervisor: 400, maintenance: 403 }],
  ] as const)('%s %s answers each role as the matrix says', async (method, path, expected) => {
    for (const [who, status] of Object.entries(expected)) {
      expect(`${who}: ${(await call(who as Who, method, path, method === 'GET' ? undefined : {})).status}`).toBe(`${who}: ${status}`);
    }
  });

  it('lets a steward progress orders of their own grid only', async () => {
    expect((await call('steward g1', 'POST', `/api/v1/work-orders/${ids.g2Order}/transitions`, { action: 'accept' })).status).toBe(404);
    expect((await call('maintenance', 'POST', `/api/v1/work-orders/${ids.g2Order}/transitions`, { action: 'accept' })).status).toBe(404);
    expect(
      (
        await call('steward g2', 'POST', `/api/v1/work-orders/${ids.g2Order}/transitions`, {
          action: 'dispatch',
          department: 'maintenance',
          assigneeId: 'zhao',
        })
      ).status,
    ).toBe(403);
    const detail = await call('steward g1', 'GET', `/api/v1/work-orders/${ids.g1Order}`);
    expect(detail.status).toBe(200);
    expect((await call('steward g1', 'GET', `/api/v1/work-orders/${ids.g2Order}`)).status).toBe(404);
    expect((await call('steward g2', 'POST', `/api/v1/work-orders/${ids.g2Order}/transitions`, { action: 'accept' })).status).toBe(200);
  });

  it('shows the owner phone whole to the grid steward and customer service, masked to nobody else who may see it', async () => {
    const asSteward = JSON.parse((await call('steward g2', 'GET', `/api/v1/units/${G2_UNIT}/owner`)).text) as { phone: string; masked: boolean };
    expect(asSteward).toMatchObject({ phone: G2_OWNER_PHONE, masked: false });
    const asService = JSON.parse((await call('customer-service', 'GET', `/api/v1/units/${G2_UNIT}/owner`)).text) as { phone: string };
    expect(asService.phone).toBe(G2_OWNER_PHONE);
  });

  it('fans out realtime events by grid: each steward gets only their grid, the control room gets both', () => {
    const units = (who: Who) => [...new Set(sockets.get(who)?.workOrders.map((w) => w.unitId))].sort();
    expect(units('operator')).toEqual([G1_UNIT, G2_UNIT]);
    expect(units('steward g1')).toEqual([G1_UNIT]);
    expect(units('steward g2')).toEqual([G2_UNIT]);
    expect(units('maintenance')).toEqual([]);
    expect([...new Set(sockets.get('steward g2')?.anomalies.map((a) => a.unitId))]).toEqual([G2_UNIT]);
    expect([...new Set(sockets.get('steward g1')?.pushes.map((p) => p.id))]).toEqual([ids.g1Push]);
    expect([...new Set(sockets.get('steward g2')?.pushes.map((p) => p.id))]).toEqual([ids.g2Push]);
  });

  it('checks every socket event: refused to anonymous clients, scoped for stewards', async () => {
    const anonymous = io(stack.server.url, { transports: ['websocket'], reconnection: false });
    const refused = await new Promise<string>((resolve) => anonymous.once('connect_error', (e) => resolve(e.message)));
    anonymous.close();
    expect(refused).toBe('UNAUTHENTICATED');

    const emit = (who: Who, event: (typeof clientEvents)[number], id: string) =>
      new Promise<unknown>((resolve) => sockets.get(who)?.emit(event, { id }, (result) => resolve(result)));
    expect(await emit('steward g2', 'push:acknowledge', ids.g1Push)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await emit('maintenance', 'push:acknowledge', ids.g1Push)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await emit('steward g1', 'workOrder:acknowledge', ids.g1Order)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await emit('steward g1', 'push:acknowledge', 'not-a-number')).toMatchObject({ ok: false, code: 'VALIDATION' });
    expect(await emit('steward g1', 'push:acknowledge', ids.g1Push)).toEqual({ ok: true });
    expect(await emit('operator', 'workOrder:acknowledge', ids.g2Order)).toEqual({ ok: true });
  });

  it('logout everywhere ends every session of the account', async () => {
    const second = await login(stack.server.url, 'sun');
    const ended = await call('security', 'DELETE', '/api/v1/sessions');
    expect(ended.status).toBe(200);
    expect(JSON.parse(ended.text)).toEqual({ ended: 2 });
    const me = await fetch(`${stack.server.url}/api/v1/me`, { headers: { cookie: second } });
    expect(me.status).toBe(401);
  });
});
