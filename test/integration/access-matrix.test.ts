import { type ClientToServerEvents, can, type HandoverNote, type PushDto, type SiteMapDto, type SiteMapUnit, type UnitDetailDto } from '@dutyroom/domain';
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
const roleOf = (who: keyof typeof accounts) => (who.startsWith('steward') ? 'steward' : who);

const G1_UNIT = '1-1-101';
const G2_UNIT = '2-1-102';
const G2_OWNER_PHONE = '13900002222';
/** The other unit of each grid (the test site's 1-1-102 and 2-1-101): leaks are looked for by every unit id. */
const G1_UNITS = [G1_UNIT, '1-1-102'];
const G2_UNITS = [G2_UNIT, '2-1-101'];
/** Routes anyone may call (logging out without a session is harmless and idempotent). */
const PUBLIC = new Set(['GET /api/v1/info', 'POST /api/v1/session', 'DELETE /api/v1/session', 'GET /api/v1/openapi.json']);
/** Routes that end the caller's own sessions: tried last, on their own. */
const SESSION_ENDING = new Set(['DELETE /api/v1/session', 'DELETE /api/v1/sessions', 'POST /api/v1/me/password']);

describe('access: every route and event × every role', () => {
  let stack: Awaited<ReturnType<typeof startAccountsStack>>;
  let device: MqttClient;
  const cookies = new Map<Who, string>();
  type LiveSocket = ConsoleSocket & { pushes: PushDto[]; units: SiteMapUnit[]; handovers: HandoverNote[] };
  const sockets = new Map<Who, LiveSocket>();
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
      const socket = (await consoleSocket(stack.server.url, cookie)) as LiveSocket;
      socket.pushes = [];
      socket.units = [];
      socket.handovers = [];
      socket.on('push:upserted', (p) => socket.pushes.push(p));
      socket.on('unit:updated', (u) => socket.units.push(u));
      socket.on('handover:upserted', (n) => socket.handovers.push(n));
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

  /** Fills a route pattern with the ids of one grid's records (by path segment: an id may be just "1"). */
  const fill = (url: string, grid: 'g1' | 'g2' = 'g1') => {
    const own = grid === 'g1' ? { order: ids.g1Order, push: ids.g1Push, unit: G1_UNIT } : { order: ids.g2Order, push: ids.g2Push, unit: G2_UNIT };
    return url
      .replace(/\/work-orders\/:id/, `/work-orders/${own.order}`)
      .replace(/\/pushes\/:id/, `/pushes/${own.push}`)
      .replace(/\/units\/:(id|unitId)/, `/units/${own.unit}`)
      .replace(/:[A-Za-z]+/g, '1');
  };

  const apiRoutes = () => stack.server.routes.filter((r) => r.url.startsWith('/api/') && r.url !== '/api/*' && r.method !== 'HEAD' && r.method !== 'OPTIONS');

  it('lists the routes it tries (the suite cannot pass on an empty list)', () => {
    expect(everyEventTried).toBe(true);
    const keys = apiRoutes().map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'GET /api/v1/me',
      'POST /api/v1/push/subscriptions',
      'PATCH /api/v1/me/duty',
      'GET /api/v1/units/:id/owner',
      'GET /api/v1/site/map',
      'GET /api/v1/site/setup',
      'GET /api/v1/site/units/:unitId',
      'PATCH /api/v1/site/units/:unitId/occupancy',
      'GET /api/v1/telemetry/units/:unitId/consumption',
      'GET /api/v1/telemetry/site/flow',
      'GET /api/v1/telemetry/site/night-flow',
      'GET /api/v1/shift/kpis',
      'GET /api/v1/shift/handovers',
      'POST /api/v1/shift/handovers',
      'POST /api/v1/shift/handovers/:id/take-over',
      'POST /api/v1/drills',
      'GET /api/v1/users',
      'POST /api/v1/users',
      'PATCH /api/v1/users/:id',
      'POST /api/v1/users/:id/password',
      'GET /api/v1/roster/shifts',
    ])
      expect(keys).toContain(expected);
    // A route about a grid's record is probed with the real record of each grid, not a placeholder.
    const gridRecordRoutes = apiRoutes().filter((r) => /\/(work-orders|pushes|units)\/:/.test(r.url));
    expect(gridRecordRoutes.length).toBeGreaterThanOrEqual(8);
    for (const r of gridRecordRoutes) expect(`${r.url}: ${fill(r.url, 'g1') !== fill(r.url, 'g2')}`).toBe(`${r.url}: true`);
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
          const path = fill(r.url, grid);
          const { status, text } = await call(who, r.method, path, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
          const where = `${who}: ${r.method} ${path} → ${status}`;
          if (status >= 500) problems.push(`${where} (server error)`);
          // Asked about the other grid: any success is a leak. Otherwise its data must not appear at all.
          const foreign = (other: 'g1' | 'g2', marks: readonly string[]) =>
            grid === other ? status < 300 && r.method === 'GET' && marks.some((m) => text.includes(m)) : marks.some((m) => text.includes(m));
          if (who === 'steward g2' && foreign('g1', G1_UNITS)) problems.push(`${where} leaks grid g1`);
          if (who === 'steward g1' && foreign('g2', [...G2_UNITS, G2_OWNER_PHONE])) problems.push(`${where} leaks grid g2`);
          if (!can(roleOf(who), 'owners:contact') && text.includes(G2_OWNER_PHONE)) problems.push(`${where} shows the owner's phone unmasked`);
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
    ['GET', '/api/v1/site/map', { operator: 200, 'steward g1': 200, 'customer-service': 200, maintenance: 403, security: 403 }],
    ['GET', `/api/v1/site/units/${G2_UNIT}`, { 'steward g2': 200, 'steward g1': 404, operator: 200, maintenance: 403 }],
    ['GET', '/api/v1/site/units/9-9-999', { 'steward g1': 404, operator: 404, security: 403 }],
    ['GET', `/api/v1/telemetry/units/${G2_UNIT}/consumption`, { 'steward g2': 200, 'steward g1': 404, 'customer-service': 200, maintenance: 403 }],
    ['GET', '/api/v1/telemetry/site/flow', { operator: 200, 'steward g1': 403, security: 403 }],
    ['GET', '/api/v1/telemetry/site/night-flow', { manager: 200, 'steward g2': 403, maintenance: 403 }],
    ['GET', '/api/v1/site/setup', { operator: 200, admin: 200, 'steward g1': 403, 'customer-service': 403, maintenance: 403 }],
    ['GET', '/api/v1/shift/kpis', { operator: 200, 'customer-service': 200, 'steward g1': 403, maintenance: 403 }],
    ['GET', '/api/v1/shift/handovers', { supervisor: 200, 'steward g2': 403, security: 403 }],
    ['POST', '/api/v1/shift/handovers', { operator: 400, 'customer-service': 403, 'steward g1': 403 }],
    ['POST', '/api/v1/drills', { operator: 400, admin: 400, 'customer-service': 403, 'steward g1': 403, maintenance: 403 }],
    ['PATCH', `/api/v1/site/units/${G2_UNIT}/occupancy`, { operator: 403, maintenance: 403, 'customer-service': 400 }],
    // Users and roles: admin only; an empty body changes nothing (400), so no account is touched here.
    ['GET', '/api/v1/users', { admin: 200, operator: 403, supervisor: 403, manager: 403, 'customer-service': 403, 'steward g1': 403, maintenance: 403 }],
    ['POST', '/api/v1/users', { admin: 400, manager: 403, supervisor: 403, operator: 403, 'steward g1': 403 }],
    ['PATCH', '/api/v1/users/1', { admin: 400, manager: 403, supervisor: 403, 'customer-service': 403, security: 403 }],
    ['POST', '/api/v1/users/1/password', { admin: 400, manager: 403, operator: 403, 'steward g2': 403 }],
    ['GET', '/api/v1/roster/shifts', { supervisor: 400, manager: 400, admin: 400, operator: 403, 'steward g1': 403, maintenance: 403 }],
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

  it('shows a steward the map of their grid only, and the owner phone whole only with owners:contact', async () => {
    const unitsOnMap = async (who: Who) =>
      (JSON.parse((await call(who, 'GET', '/api/v1/site/map')).text) as SiteMapDto).buildings.flatMap((b) => b.units.map((u) => u.id)).sort();
    expect(await unitsOnMap('operator')).toEqual([...G1_UNITS, ...G2_UNITS].sort());
    expect(await unitsOnMap('steward g1')).toEqual([...G1_UNITS].sort());
    expect(await unitsOnMap('steward g2')).toEqual([...G2_UNITS].sort());
    const owner = async (who: Who) => (JSON.parse((await call(who, 'GET', `/api/v1/site/units/${G2_UNIT}`)).text) as UnitDetailDto).owner;
    expect(await owner('steward g2')).toEqual({ name: '刘业主', phone: G2_OWNER_PHONE, masked: false });
    expect(await owner('customer-service')).toMatchObject({ phone: G2_OWNER_PHONE, masked: false });
    expect(await owner('operator')).toEqual({ name: '刘业主', phone: '139****2222', masked: true });
  });

  it('lets a steward change occupancy of their own grid only, and tells only that grid and the control room', async () => {
    const vacant = { status: 'vacant', note: 'access suite' };
    expect((await call('steward g1', 'PATCH', `/api/v1/site/units/${G2_UNIT}/occupancy`, vacant)).status).toBe(404);
    expect((await call('operator', 'PATCH', `/api/v1/site/units/${G2_UNIT}/occupancy`, vacant)).status).toBe(403);
    expect((await call('steward g2', 'PATCH', `/api/v1/site/units/${G2_UNIT}/occupancy`, vacant)).status).toBe(200);
    // Then one in g1: once steward g1 has that, the g2 event (sent earlier on the same socket) would have arrived too.
    expect((await call('steward g1', 'PATCH', `/api/v1/site/units/${G1_UNIT}/occupancy`, vacant)).status).toBe(200);
    const unitsHeard = (who: Who) => [...new Set(sockets.get(who)?.units.map((u) => u.id))].sort();
    await waitFor(() => unitsHeard('steward g1').length > 0 && unitsHeard('operator').length === 2, 'unit:updated fan-out');
    expect(unitsHeard('operator')).toEqual([G1_UNIT, G2_UNIT]);
    expect(unitsHeard('steward g1')).toEqual([G1_UNIT]);
    await waitFor(() => unitsHeard('steward g2').length > 0, 'unit:updated to steward g2');
    expect(unitsHeard('steward g2')).toEqual([G2_UNIT]);
    expect(unitsHeard('maintenance')).toEqual([]);
  });

  it('sends handover notes to the control room only', async () => {
    expect((await call('operator', 'POST', '/api/v1/shift/handovers', { body: '交接: 空置房水表待跟进' })).status).toBe(200);
    expect((await call('steward g1', 'PATCH', `/api/v1/site/units/${G1_UNIT}/occupancy`, { status: 'vacant' })).status).toBe(200);
    await waitFor(
      () =>
        (sockets.get('operator')?.handovers.length ?? 0) > 0 &&
        (sockets.get('customer-service')?.handovers.length ?? 0) > 0 &&
        (sockets.get('steward g1')?.units.length ?? 0) >= 2,
      'handover fan-out',
    );
    expect(sockets.get('customer-service')?.handovers.length).toBe(1);
    expect(sockets.get('steward g1')?.handovers).toEqual([]);
    expect(sockets.get('maintenance')?.handovers).toEqual([]);
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
