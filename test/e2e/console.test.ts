import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { topics } from '@dutyroom/domain';
import type { MqttClient } from 'mqtt';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher } from '../harness/clients.ts';
import { startTestStack } from '../harness/stack.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const consoleDir = fileURLToPath(new URL('../../console/build', import.meta.url));
const present = existsSync(CHROMIUM);
if (!present && process.env['CI'] === 'true') throw new Error(`CI=true but Chromium is missing at ${CHROMIUM}; .ci/run installs it`);
if (!existsSync(`${consoleDir}/index.html`)) throw new Error('console/build is missing: npm test builds it (scripts/build-console-if-stale.mjs)');

/**
 * The operator's night: open the console, a vacant unit's meter runs, the work order appears
 * live without reload, acknowledge it, and a second console sees it acknowledged at once.
 */
describe.skipIf(!present)('control-room console in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let browser: Browser;
  let device: MqttClient;

  const openBoard = async (): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(`${stack.server.url}/login`);
    await page.fill('input[name="username"]', 'operator');
    await page.fill('input[name="password"]', 'dutyroom-demo');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="connection"][data-state="online"]');
    return page;
  };

  beforeAll(async () => {
    stack = await startTestStack({ broker: 'aedes', db: 'pglite', consoleDir });
    device = await devicePublisher(stack.mqttUrl);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await device?.endAsync();
    await stack?.stop();
  });

  it('shows a vacant-unit water work order live, acknowledges it, and every console sees the acknowledgement', async () => {
    const first = await openBoard();
    const second = await openBoard();
    const rowOn = (page: Page) => page.locator('[data-testid="work-order-row"][data-unit="1-1-101"]');
    await expect(rowOn(first).count()).resolves.toBe(0);

    const now = Date.now();
    const topic = topics.deviceMessage(stack.siteId, 'wm-1-1-101', 'reading');
    await device.publishAsync(topic, JSON.stringify({ ts: now - 60_000, total: 3.2 }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ts: now, total: 3.23 }), { qos: 1 });

    await rowOn(first).waitFor({ timeout: 5000 });
    await first.locator('[data-testid="anomaly-row"][data-unit="1-1-101"]').waitFor({ timeout: 5000 });
    await expect(rowOn(first).getAttribute('data-acknowledged')).resolves.toBe('false');
    await expect(rowOn(first).innerText()).resolves.toContain('空置房水表走动');

    await rowOn(first).locator('[data-testid="acknowledge"]').click();
    await first.waitForSelector('[data-testid="work-order-row"][data-unit="1-1-101"][data-acknowledged="true"]', { timeout: 5000 });
    await second.waitForSelector('[data-testid="work-order-row"][data-unit="1-1-101"][data-acknowledged="true"]', { timeout: 5000 });
    await first.screenshot({ path: `${process.env['TMPDIR'] ?? '/tmp'}/dutyroom-board.png`, fullPage: true });

    const [stored] = (await stack.db.query<{ acknowledged_by: string }>(`select acknowledged_by from work_orders where unit_id = '1-1-101'`)).rows;
    expect(stored?.acknowledged_by).toBe('值班员 张敏');
  });

  it('sends an anonymous visitor to the login page', async () => {
    const page = await browser.newPage();
    await page.goto(stack.server.url);
    await page.waitForURL(/\/login$/);
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
