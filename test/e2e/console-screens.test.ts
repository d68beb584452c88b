import { topics } from '@dutyroom/domain';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher } from '../harness/clients.ts';
import { startTestStack } from '../harness/stack.ts';
import { VACANT_WATER_HOLD } from '../integration/access-stack.ts';
import { chromiumPresent, consoleDir, createUser, launchChromium, openConsole, screenshot, seriousA11yViolations } from './console-browser.ts';

/**
 * Each main screen of the console against the real stack: the site map and a unit, occupancy
 * edited by an admin turning running water into an alarm, the charts from the telemetry store,
 * handover, the dead-letter browser, the work-order view. Each gets a screenshot and axe-core.
 */
describe.skipIf(!chromiumPresent)('console screens in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let browser: Browser;
  let device: MqttClient;
  let operator: Page;

  const publishWater = async (deviceId: string, points: readonly [number, number][]) => {
    const topic = topics.deviceMessage(stack.siteId, deviceId, 'reading');
    for (const [ts, total] of points) await device.publishAsync(topic, JSON.stringify({ ts, total }), { qos: 1 });
  };

  beforeAll(async () => {
    stack = await startTestStack({ broker: 'aedes', db: 'pglite', consoleDir });
    device = await devicePublisher(stack.mqttUrl);
    browser = await launchChromium();
    await createUser(stack.db, stack.siteId, 'admin', 'admin', '管理员 周平');
    // An hour of use in the occupied unit 1-1-102, for the charts.
    const now = Date.now();
    await publishWater(
      'wm-1-1-102',
      Array.from({ length: 13 }, (_, i) => [now - (12 - i) * 5 * 60_000, 50 + i * 0.02] as [number, number]),
    );
    operator = await openConsole(browser, stack.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await device?.endAsync();
    await stack?.stop();
  });

  it('shows the site map by occupancy and a unit with the owner phone masked for an operator', async () => {
    await operator.click('nav a[href="/map"]');
    const cell = operator.locator('[data-testid="unit-cell"][data-unit="1-1-101"]');
    await cell.waitFor();
    await expect(cell.getAttribute('data-occupancy')).resolves.toBe('vacant');
    await expect(operator.locator('[data-testid="unit-cell"][data-unit="2-1-101"]').getAttribute('data-occupancy')).resolves.toBe('custody');
    await screenshot(operator, 'map');
    await cell.click();
    const panel = operator.locator('[data-testid="unit-panel"][data-unit="1-1-101"]');
    await panel.waitFor();
    expect(await seriousA11yViolations(operator)).toEqual([]);
    await operator.keyboard.press('Escape');

    await operator.locator('[data-testid="unit-cell"][data-unit="1-1-102"]').click();
    await operator.locator('[data-testid="unit-panel"][data-unit="1-1-102"] [data-testid="chart-unit-water"]').waitFor();
    await screenshot(operator, 'unit');
    await operator.keyboard.press('Escape');
  });

  it('masks the owner phone for an operator and shows it to an admin', async () => {
    await stack.db.query(`update units set owner_name = '陈业主', owner_phone = '13912345678' where id = '1-1-102'`);
    const read = async (page: Page) => {
      await page.goto(`${stack.server.url}/map`);
      await page.locator('[data-testid="unit-cell"][data-unit="1-1-102"]').click();
      const owner = page.locator('[data-testid="unit-owner"]');
      await owner.waitFor();
      return owner.innerText();
    };
    await expect(read(operator)).resolves.toContain('139****5678');
    const admin = await openConsole(browser, stack.server.url, 'admin', 'test-password');
    await expect(read(admin)).resolves.toContain('13912345678');
    await admin.close();
  });

  it('stores an occupancy edit by an admin, audits it, and recolours the unit on every console', async () => {
    const admin = await openConsole(browser, stack.server.url, 'admin', 'test-password', '/map');
    await operator.goto(`${stack.server.url}/map`);
    await operator.locator('[data-testid="unit-cell"][data-unit="1-1-102"][data-occupancy="occupied"]').waitFor();

    await admin.locator('[data-testid="unit-cell"][data-unit="1-1-102"]').click();
    const form = admin.locator('[data-testid="occupancy-form"]');
    await form.locator('select[name="status"]').selectOption('custody');
    await form.locator('input[name="since"]').fill('2026-11-01');
    await form.locator('input[name="startWater"]').fill('50.24');
    await form.locator('[data-testid="save-occupancy"]').click();
    await admin.locator('[data-testid="unit-occupancy"][data-status="custody"]').waitFor();
    await operator.locator('[data-testid="unit-cell"][data-unit="1-1-102"][data-occupancy="custody"]').waitFor({ timeout: 5000 });
    const [audited] = (
      await stack.db.query<{ actor: string; detail: { from: string; status: string } }>(`select actor, detail from audit_log where action = 'unit.occupancy'`)
    ).rows;
    expect(audited).toMatchObject({ actor: '管理员 周平', detail: { from: 'occupied', status: 'custody' } });

    // An operator may look but not change occupancy.
    const denied = await operator.evaluate(
      `fetch('/api/v1/site/units/1-1-102/occupancy', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'vacant' }) }).then((r) => r.status)`,
    );
    expect(denied).toBe(403);

    await admin.locator('[data-testid="unit-cell"][data-unit="1-1-102"]').click();
    await form.locator('select[name="status"]').selectOption('vacant');
    await form.locator('[data-testid="save-occupancy"]').click();
    await operator.locator('[data-testid="unit-cell"][data-unit="1-1-102"][data-occupancy="vacant"]').waitFor({ timeout: 5000 });
    await admin.close();
  });

  /**
   * The ingest reads occupancy from the site file at start; following edits made in the console
   * (units / unit_occupancy tables) is the ingest's part and not there yet. This test is written
   * against the product's behaviour and switched on when it lands.
   */
  it('turns water in a unit into an alarm once the unit is marked vacant in the console', async () => {
    const now = Date.now();
    await publishWater('wm-1-1-102', [
      [now - 60_000, 50.3],
      [now, 50.33],
    ]);
    await operator.goto(`${stack.server.url}/map`);
    await operator.locator('[data-testid="unit-cell"][data-unit="1-1-102"][data-anomaly="P2"]').waitFor({ timeout: 8000 });
  });

  it('charts a unit per hour and per day and the site flow from the telemetry store', async () => {
    await operator.goto(`${stack.server.url}/charts`);
    await operator.fill('input[name="unit"]', '1-1-102');
    await operator.click('form button[type="submit"]');
    const water = operator.locator('[data-testid="chart-unit-water"]');
    await water.waitFor();
    await expect(water.getAttribute('data-points')).resolves.not.toBe('0');
    await operator.locator('[data-testid="chart-site-flow"]').waitFor();
    await operator.locator('[data-testid="chart-night-flow"]').waitFor();
    const flow = await operator.evaluate(`fetch('/api/v1/telemetry/site/flow?minutes=60').then((r) => r.json())`);
    const total = (flow as { points: { value: number }[] }).points.reduce((s, p) => s + p.value, 0);
    expect(total).toBeGreaterThan(0.2);
    await operator.waitForTimeout(300);
    expect(await seriousA11yViolations(operator)).toEqual([]);
    await screenshot(operator, 'charts');
  });

  it('keeps a shift handover log that the next operator takes over', async () => {
    await operator.goto(`${stack.server.url}/handover`);
    await operator.fill('textarea[name="body"]', '1-1-102 空置房用水已派单，待管家回复。');
    await operator.click('[data-testid="submit-handover"]');
    const note = operator.locator('[data-testid="handover-note"]').first();
    await note.waitFor();
    await expect(note.innerText()).resolves.toContain('1-1-102 空置房用水已派单');
    const next = await openConsole(browser, stack.server.url, 'admin', 'test-password', '/handover');
    await next.locator('[data-testid="handover-note"] button').first().click();
    await operator.locator('[data-testid="handover-note"]', { hasText: '管理员 周平' }).waitFor({ timeout: 5000 });
    await next.close();
    expect(await seriousA11yViolations(operator)).toEqual([]);
    await screenshot(operator, 'handover');
  });

  it('browses dead letters with their raw payload', async () => {
    await device.publishAsync(topics.deviceMessage(stack.siteId, 'wm-1-1-101', 'reading'), '{"ts": oops', { qos: 1 });
    await operator.goto(`${stack.server.url}/admin`);
    const row = operator.locator('[data-testid="dead-letter-list"] button').first();
    await row.waitFor({ timeout: 5000 });
    await row.click();
    await expect(operator.locator('[data-testid="dead-letter-payload"]').innerText()).resolves.toContain('{"ts": oops');
    // Devices and their mapping, grids and roster, thresholds, as the site file sets them.
    const setup = operator.locator('[data-testid="site-setup"]');
    await setup.locator('[data-testid="device-list"]', { hasText: 'wm-2-1-101' }).waitFor();
    await setup.getByRole('button', { name: '网格与值班' }).click();
    await expect(setup.innerText()).resolves.toContain('王管家');
    await setup.getByRole('button', { name: '规则阈值' }).click();
    await expect(setup.innerText()).resolves.toContain('vacant-unit-water');
    expect(await seriousA11yViolations(operator)).toEqual([]);
    await screenshot(operator, 'admin');
  });

  it('runs a drill from the admin screen, labelled 演练 on the wall', async () => {
    const admin = await openConsole(browser, stack.server.url, 'admin', 'test-password', '/admin');
    // The choices are the drill runner's catalog: the simulators' YAML scenarios this site can play.
    const scenario = admin.locator('select[name="scenario"]');
    await scenario.locator('option[value="vacant-unit-leak"]').waitFor({ state: 'attached' });
    await scenario.selectOption('vacant-unit-leak');
    await admin.click('[data-testid="start-drill"]');
    const status = admin.locator('[data-testid="drill-panel"] [role="status"][data-state="running"]');
    await status.waitFor({ timeout: 8000 });
    // The scenario picks an empty unit with a native meter: the vacant 1-1-101 or the custody 2-1-101.
    const unit = /\b(1-1-101|2-1-101)\b/.exec(await status.innerText())?.[1];
    expect(unit).toBeDefined();
    await operator.goto(stack.server.url);
    const row = operator.locator(`[data-testid="anomaly-row"][data-unit="${unit}"][data-drill="true"]`);
    await row.waitFor({ timeout: 20_000 });
    await expect(row.innerText()).resolves.toContain('演练');
    await admin.close();
  });

  it('opens a work order with its SOP checklist and timeline', async () => {
    await operator.goto(stack.server.url);
    // Running since just past its 20 s dispatch hold, so the order is due at once (the hold: test/integration/work-orders-dispatch.test.ts).
    const now = Date.now() - VACANT_WATER_HOLD - 1000;
    // 托管 unit 2-1-101 (10 L pulses): water running there opens a work order too, 40 L in a minute.
    // (A `total` of 100 → 105 m³ was a meter jump, which is never dispatched: docs/work-orders.md §Dispatch.)
    const topic = topics.deviceMessage(stack.siteId, 'wm-2-1-101', 'reading');
    await device.publishAsync(topic, JSON.stringify({ ts: now - 60_000, pulses: 100 }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ts: now, pulses: 104 }), { qos: 1 });
    const row = operator.locator('[data-testid="work-order-row"][data-unit="2-1-101"]').first();
    await row.waitFor({ timeout: 5000 });
    const title = (await row.locator('.title').innerText()).replace(/^WO-\d+\s*/, '').trim();
    const link = row.locator('a').first();
    await link.click();
    const view = operator.locator('[data-testid="work-order-view"]');
    await view.waitFor();
    await expect(view.innerText()).resolves.toContain(title);
    expect(await view.locator('ol li').count()).toBeGreaterThan(0);
    expect(await seriousA11yViolations(operator)).toEqual([]);
    await screenshot(operator, 'work-order');
  });
});
