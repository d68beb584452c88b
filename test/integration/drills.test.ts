import { configSchema, type SiteFile, topics } from '@dutyroom/domain';
import { type Stack, startStack } from '@dutyroom/launcher';
import { createLogger, parseSiteFile } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher, login } from '../harness/clients.ts';
import { uniqueName, waitFor } from '../harness/servers.ts';
import { localReceiver } from './access-stack.ts';

/**
 * 演练 from the console (issue 7, SPEC §8) through the real product: the launcher's stack in demo
 * mode starts a drill runner; `POST /api/v1/drills` names a scenario of its catalog (the
 * simulators' YAML scenarios); the runner plays it native with `drill: true`. Everything it causes
 * is labelled drill, nothing else appears, and no group robot outside the site is paged.
 * One of the two smoke detectors speaks Zigbee2MQTT: a drill still reaches the ingest native.
 */

function drillSite(siteId: string, robotUrl: string): SiteFile {
  return parseSiteFile(
    `
site: { id: ${siteId}, name: 演练小区 }
people:
  - { id: wang, name: 王管家, role: steward, phone: "13800000001" }
  - { id: sun, name: 孙安保, role: security }
onDuty: wang
grids:
  - { id: g1, name: 一网格, steward: wang }
buildings:
  - id: "1"
    name: 1栋
    kind: high-rise
    floors: 10
    grid: g1
    devices:
      - { id: sd-1-1, kind: smoke-detector, zone: 1-Z1 }
      - { id: sd-1-2, kind: smoke-detector, zone: 1-Z1, source: { ecosystem: zigbee2mqtt, address: smoke-1-2 } }
units:
  - id: 1-1-101
    building: "1"
    floor: 1
    occupancy: vacant
    keyHeld: false
    devices: [{ id: wm-1-1-101, kind: water-meter }]
  - id: 1-1-102
    building: "1"
    floor: 1
    occupancy: occupied
    devices: [{ id: wm-1-1-102, kind: water-meter }]
notify:
  retry: { baseSeconds: 0.2, maxSeconds: 1, maxAttempts: 1 }
  webhooks:
    - { id: ops-wecom, platform: wecom, url: "${robotUrl}/cgi-bin/webhook/send?key=k", severities: [P1, P2] }
`,
    'drills.yaml',
  );
}

interface Row {
  rule: string;
  unit_id: string | null;
  drill: boolean;
}

describe('drills started from the console play the simulator scenarios', () => {
  let stack: Stack;
  let siteId: string;
  let cookie: string;
  let device: MqttClient;
  let robots: Awaited<ReturnType<typeof localReceiver>>;
  const rows = async <T>(sql: string) => (await stack.db.query<T>(sql)).rows;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.server.url}${path}`, { ...init, headers: { cookie, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const startDrill = async (scenario: string) => {
    const response = await api('/api/v1/drills', { method: 'POST', body: JSON.stringify({ scenario }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    robots = await localReceiver(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    siteId = uniqueName('dr').replace(/_/g, '-');
    const config = configSchema.parse({
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { embeddedPort: 0 },
      ingest: { clientId: `${siteId}-ingest` },
      server: { clientId: `${siteId}-server` },
      demo: true,
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    });
    stack = await startStack({ config, site: drillSite(siteId, robots.url), log: createLogger(config.logLevel), inMemoryDb: true });
    cookie = await login(stack.server.url, 'admin');
    device = await devicePublisher(stack.mqttUrl);
  }, 60_000);
  afterAll(async () => {
    await device?.endAsync();
    await stack?.stop();
    await robots?.close();
  });

  it('offers the scenarios the runner can play on this site, from the catalog', async () => {
    const response = await api('/api/v1/drills/scenarios');
    expect(response.status).toBe(200);
    const names = ((await response.json()) as { scenarios: { name: string; title: string }[] }).scenarios.map((s) => s.name);
    // The site has water meters (one in a vacant unit) and a fire zone of two detectors, but no
    // access readers, fire doors or gateways: door-forced-night, fire-door-open and gateway-offline are left out.
    expect(names).toEqual(['burst-pipe', 'fire-alarm-zone', 'meter-swap', 'vacant-unit-leak']);
  });

  it('refuses a scenario that is not in the catalog, with the names it offers', async () => {
    const { status, body } = await startDrill('door-forced-night');
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'VALIDATION' } });
    expect(JSON.stringify(body)).toContain('vacant-unit-leak');
  });

  it('plays vacant-unit-leak and fire-alarm-zone as drills: anomalies and work orders labelled drill, none unlabelled, no page outside the site', async () => {
    const [leak, fire] = await Promise.all([startDrill('vacant-unit-leak'), startDrill('fire-alarm-zone')]);
    expect(leak).toMatchObject({ status: 200, body: { scenario: 'vacant-unit-leak', state: 'running', unitIds: ['1-1-101'] } });
    expect(fire).toMatchObject({ status: 200, body: { scenario: 'fire-alarm-zone', state: 'running' } });
    expect([...((fire.body['deviceIds'] as string[]) ?? [])].sort()).toEqual(['sd-1-1', 'sd-1-2']);

    const anomalies = await waitFor(
      async () => {
        const all = await rows<Row>('select rule, unit_id, drill from anomalies order by rule');
        const wanted = ['fire-alarm', 'fire-confirmed', 'vacant-unit-water'];
        return wanted.every((rule) => all.some((a) => a.rule === rule)) ? all : undefined;
      },
      'the drills’ anomalies',
      30_000,
    );
    expect(anomalies.filter((a) => !a.drill)).toEqual([]);
    expect(anomalies.find((a) => a.rule === 'vacant-unit-water')).toMatchObject({ unit_id: '1-1-101', drill: true });

    const workOrders = await waitFor(
      async () => {
        const all = await rows<Row>('select rule, unit_id, drill from work_orders');
        return all.some((w) => w.rule === 'fire-alarm') && all.some((w) => w.rule === 'vacant-unit-water') ? all : undefined;
      },
      'the drills’ work orders',
      15_000,
    );
    expect(workOrders.length).toBeGreaterThan(0);
    expect(workOrders.filter((w) => !w.drill)).toEqual([]);

    // Both drills run to the end and say so.
    for (const started of [leak, fire]) {
      const finished = await waitFor(
        async () => {
          const body = (await (await api(`/api/v1/drills/${String(started.body['drillId'])}`)).json()) as { state: string; published: number; failed: number };
          return body.state === 'finished' ? body : undefined;
        },
        'the drill finished',
        30_000,
      );
      expect(finished.failed).toBe(0);
      expect(finished.published).toBeGreaterThan(0);
    }
    expect(robots.received).toEqual([]);
    const groupPages = await rows<{ target: string }>(`select target from push_deliveries where target like 'webhook:%'`);
    expect(groupPages).toEqual([]);
  }, 90_000);

  it('pages the group robot for real water in the same unit (the robot is wired), unlike the drill', async () => {
    const topic = topics.deviceMessage(siteId, 'wm-1-1-101', 'reading');
    const now = Date.now();
    await device.publishAsync(topic, JSON.stringify({ ts: now - 60_000, total: 3.2 }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ts: now, total: 3.25 }), { qos: 1 });
    // A P2 rule is held 20 s before anyone is paged (docs/work-orders.md §Dispatch): the page comes once the hold has passed.
    await waitFor(() => robots.received.length > 0 || undefined, 'a group page for the real anomaly', 45_000);
    const real = await rows<Row>(`select rule, unit_id, drill from anomalies where not drill`);
    expect(real).toEqual([{ rule: 'vacant-unit-water', unit_id: '1-1-101', drill: false }]);
  }, 60_000);

  it('answers 503 DRILL_RUNNER_ABSENT when no drill runner is connected', async () => {
    await stack.drillRunner?.stop();
    const response = await waitFor(
      async () => {
        const r = await api('/api/v1/drills/scenarios');
        return r.status === 503 ? r : undefined;
      },
      'the server noticed the runner left',
      10_000,
    );
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('DRILL_RUNNER_ABSENT');
    expect(body.error.message).toContain('npm run sim -- drill-runner');
    const { status } = await startDrill('vacant-unit-leak');
    expect(status).toBe(503);
  }, 30_000);
});
