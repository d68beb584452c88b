import { configSchema, topics } from '@dutyroom/domain';
import { createLogger } from '@dutyroom/platform';
import { type RunningServer, startServer } from '@dutyroom/server';
import type { MqttClient } from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher } from '../harness/clients.ts';
import { startTestStack } from '../harness/stack.ts';
import { VACANT_WATER_HOLD } from '../integration/access-stack.ts';
import { chromiumPresent, consoleDir, launchChromium, openConsole, screenshot, takePageProblems } from './console-browser.ts';

/**
 * The server is restarted while the wall is open: the wall shows it is offline, an alarm raised
 * meanwhile reaches it after the restart without a reload (catch-up from the snapshot), and the
 * socket reconnects by itself.
 */
describe.skipIf(!chromiumPresent)('console reconnect and catch-up in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let browser: Browser;
  let device: MqttClient;
  let restarted: RunningServer | undefined;

  beforeAll(async () => {
    stack = await startTestStack({ broker: 'aedes', db: 'pglite', consoleDir });
    device = await devicePublisher(stack.mqttUrl);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await device?.endAsync();
    await restarted?.stop();
    await stack?.stop();
  });

  it('shows the offline banner while the server is down and catches up on the missed alarm after it restarts, without reload', async () => {
    const page = await openConsole(browser, stack.server.url);
    // A marker that a reload would wipe.
    await page.evaluate('window.__noReload = 42');
    const port = stack.server.port;

    await stack.server.stop();
    await page.waitForSelector('[data-testid="offline-banner"]', { timeout: 10_000 });
    await screenshot(page, 'offline');

    // The ingest keeps working: the anomaly is stored while no server is there to tell the wall.
    // Running since just past its 20 s dispatch hold, so the order is due at once (the hold: test/integration/work-orders-dispatch.test.ts).
    const now = Date.now() - VACANT_WATER_HOLD - 1000;
    const topic = topics.deviceMessage(stack.siteId, 'wm-1-1-101', 'reading');
    await device.publishAsync(topic, JSON.stringify({ ts: now - 60_000, total: 3.2 }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ts: now, total: 3.23 }), { qos: 1 });

    const config = configSchema.parse({
      http: { host: '127.0.0.1', port },
      mqtt: { url: stack.mqttUrl },
      server: { clientId: `${stack.siteId}-server` },
      demo: true,
      logLevel: 'silent',
    });
    restarted = await startServer({ config, db: stack.db, site: stack.site, mqttUrl: stack.mqttUrl, log: createLogger('silent'), consoleDir });

    await page.waitForSelector('[data-testid="connection"][data-state="online"]', { timeout: 20_000 });
    await page.locator('[data-testid="anomaly-row"][data-unit="1-1-101"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="work-order-row"][data-unit="1-1-101"]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate('window.__noReload')).toBe(42);
    expect(Number(await page.locator('[data-testid="connection"]').getAttribute('data-reconnects'))).toBeGreaterThanOrEqual(1);
    await expect(page.locator('[data-testid="offline-banner"]').count()).resolves.toBe(0);
    // While the server was down the browser's reconnect attempts (if one fell in that time) were refused; nothing else went wrong in the page.
    expect(takePageProblems().filter((p) => !/ERR_CONNECTION_REFUSED/.test(p.text))).toEqual([]);
  });
});
