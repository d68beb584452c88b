import { configSchema, topics } from '@dutyroom/domain';
import { type Stack, startStack } from '@dutyroom/launcher';
import { createLogger, parseSiteFile } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher } from '../harness/clients.ts';
import { uniqueName, waitFor } from '../harness/servers.ts';
import { VACANT_WATER_HOLD } from '../integration/access-stack.ts';
import { chromiumPresent, consoleDir, launchChromium, openConsole, screenshot } from './console-browser.ts';

/** A site with a smoke detector, so a fire alarm (P1) can arrive over MQTT. */
function fireSite(siteId: string) {
  return parseSiteFile(`
site: { id: ${siteId}, name: 火警测试小区 }
people:
  - { id: wang, name: 王管家, role: steward, phone: "13800000001" }
grids:
  - { id: g1, name: 一网格, steward: wang }
buildings:
  - id: "1"
    name: 1栋
    kind: high-rise
    floors: 10
    grid: g1
    devices: [{ id: smoke-1-3f, kind: smoke-detector, zone: 1栋3层 }]
units:
  - id: 1-1-101
    building: "1"
    floor: 1
    occupancy: vacant
    devices: [{ id: wm-1-1-101, kind: water-meter }]
`);
}

/**
 * 火警 on the wall: a P1 fire alarm arrives over MQTT while a P2 is already open; the P1 is pinned
 * above it, flashes, and its siren (the P1 pattern, every 2 s) sounds until acknowledged; then the
 * P2 pattern takes over.
 */
describe.skipIf(!chromiumPresent)('P1 fire alarm on the wall in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let device: MqttClient;
  const siteId = uniqueName('p1').replace(/_/g, '-');

  beforeAll(async () => {
    const config = configSchema.parse({
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { embeddedPort: 0 },
      ingest: { clientId: `${siteId}-ingest` },
      server: { clientId: `${siteId}-server` },
      demo: true,
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    });
    stack = await startStack({ config, site: fireSite(siteId), log: createLogger(config.logLevel), consoleDir, inMemoryDb: true });
    device = await devicePublisher(stack.mqttUrl);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await device?.endAsync();
    await stack?.stop();
  });

  it('pins the P1 on top, flashing, with the P1 siren until acknowledged', async () => {
    const page = await openConsole(browser, stack.server.url);
    // The water ran since before its dispatch hold (a P2 waits 20 s for a mass event to show): its order, and its sound, come at once.
    const now = Date.now() - VACANT_WATER_HOLD - 1000;
    const water = topics.deviceMessage(siteId, 'wm-1-1-101', 'reading');
    await device.publishAsync(water, JSON.stringify({ ts: now - 60_000, total: 3.2 }), { qos: 1 });
    await device.publishAsync(water, JSON.stringify({ ts: now, total: 3.23 }), { qos: 1 });
    await page.locator('[data-testid="anomaly-row"][data-severity="P2"]').waitFor({ timeout: 5000 });

    // The fire alarm comes after, yet goes on top.
    await device.publishAsync(topics.deviceMessage(siteId, 'smoke-1-3f', 'fire'), JSON.stringify({ ts: Date.now(), event: 'alarm' }), { qos: 1 });
    const p1 = page.locator('[data-testid="anomaly-row"][data-severity="P1"]');
    await p1.waitFor({ timeout: 5000 });
    await page.waitForSelector('[data-testid="alarm"][data-sounding="P1"]', { timeout: 5000 });
    const rows = page.locator('[data-testid="alarm-list"] [data-testid="anomaly-row"]');
    await expect(rows.first().getAttribute('data-severity')).resolves.toBe('P1');
    await expect(p1.locator('.badge.flash').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid="count-P1"]').getAttribute('data-count')).resolves.toBe('1');
    await waitFor(async () => Number(await page.locator('[data-testid="alarm"]').getAttribute('data-played-p1')) >= 2, 'the P1 siren to repeat', 8000);
    await screenshot(page, 'wall-p1');

    // P3/P4 may be muted; P1 may not: the siren keeps sounding.
    await page.click('[data-testid="mute-low"]');
    await expect(page.locator('[data-testid="alarm"]').getAttribute('data-sounding')).resolves.toBe('P1');

    await p1.locator('[data-testid="acknowledge"]').click();
    await page.waitForSelector('[data-testid="alarm"][data-sounding="P2"]', { timeout: 5000 });
    await expect(p1.locator('.badge.flash').count()).resolves.toBe(0);
  });
});
