import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '@dutyroom/domain';
import { type Product, startProduct } from '@dutyroom/launcher';
import { createLogger } from '@dutyroom/platform';
import { generateCommunitySite } from '@dutyroom/simulators';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../harness/servers.ts';
import { chromiumPresent, consoleDir, launchChromium, openConsole, screenshot } from './console-browser.ts';

/**
 * Issue 14, done when: stopping and starting `npm start` on the same data directory leaves the
 * wall exactly as it was. The product as the launcher starts it (stack + demo simulator resuming
 * from the data directory), the wall in Chromium before and after two restarts: the same alarm
 * rows and work-order rows, apart from what a device really said meanwhile (a worn battery).
 */

const INTERVAL_SECONDS = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface WallRows {
  readonly alarms: string[];
  readonly orders: string[];
}

async function wallRows(page: Page): Promise<WallRows> {
  const ids = (selector: string, attributes: string[]) =>
    page.$$eval(selector, (rows, names) => rows.map((row) => names.map((n) => row.getAttribute(n) ?? '').join(' ')).sort(), attributes);
  return {
    alarms: await ids('[data-testid="anomaly-row"]', ['data-id', 'data-unit', 'data-severity']),
    orders: await ids('[data-testid="work-order-row"]', ['data-id', 'data-unit', 'data-status']),
  };
}

describe.skipIf(!chromiumPresent)('restarting npm start leaves the wall unchanged (Chromium)', () => {
  const siteId = uniqueName('rw').replace(/_/g, '-');
  const site = generateCommunitySite({ seed: 1, highRises: 1, floors: 4, multiStoreys: 0, villas: 0, shops: 2, siteId });
  let dataDir = '';
  let product: Product | undefined;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dutyroom-restart-wall-'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () => {
    const config = configSchema.parse({
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { embeddedPort: 0 },
      ingest: { clientId: `${siteId}-ingest` },
      server: { clientId: `${siteId}-server` },
      dataDir,
      demo: true,
      simulator: { intervalSeconds: INTERVAL_SECONDS, leakEverySeconds: 3600, seed: 1, drillRunner: false },
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    });
    return startProduct({ config, site, log: createLogger(config.logLevel), consoleDir });
  };

  /** The wall once the restarted product has had every meter report a few times. */
  async function settledWall(p: Product): Promise<WallRows> {
    const since = new Date();
    const meters = p.simulator?.meters ?? 0;
    await waitFor(
      async () =>
        Number((await p.stack.db.query<{ n: string }>('select count(*)::text as n from telemetry where ts >= $1', [since])).rows[0]?.n ?? 0) >= 3 * meters,
      'three readings a meter',
      90_000,
    );
    await sleep(2 * INTERVAL_SECONDS * 1000);
    const page = await openConsole(browser, p.stack.server.url);
    await page.locator('[data-testid="anomaly-row"]').first().waitFor({ timeout: 20_000 });
    await sleep(1000);
    const rows = await wallRows(page);
    await screenshot(page, 'wall-after-restart');
    await page.close();
    return rows;
  }

  /** Alarm rows a device really caused since: low-battery anomalies of devices whose simulated battery is low. */
  async function deviceCaused(p: Product, rows: readonly string[]): Promise<string[]> {
    const ids = rows.map((r) => r.split(' ')[0] ?? '');
    if (ids.length === 0) return [];
    const found = await p.stack.db.query<{ id: string; device_id: string | null; rule: string }>(
      'select id::text, device_id, rule from anomalies where id::text = any($1)',
      [ids],
    );
    const ok = new Set(
      found.rows.filter((a) => a.rule === 'low-battery' && (p.simulator?.simulation.device(a.device_id ?? '')?.battery ?? 100) < 15).map((a) => a.id),
    );
    return rows.filter((r) => ok.has(r.split(' ')[0] ?? ''));
  }

  it('shows the same alarm rows and work-order rows after two restarts on the same data directory', async () => {
    product = await start();
    const first = product;
    await waitFor(
      async () => (await first.stack.db.query('select 1 from work_orders where rule = $1', ['vacant-unit-water'])).rows.length > 0,
      'the demo leak and its work order',
      90_000,
    );
    let before = await settledWall(first);
    expect(before.alarms.length).toBeGreaterThan(0);
    expect(before.orders.length).toBeGreaterThan(0);

    for (let restart = 1; restart <= 2; restart++) {
      await product.stop();
      product = await start();
      expect(product.simulator?.resumed).toBe(true);
      const after = await settledWall(product);
      const newAlarms = after.alarms.filter((r) => !before.alarms.includes(r));
      const explained = await deviceCaused(product, newAlarms);
      const explainedIds = new Set(explained.map((r) => r.split(' ')[0]));
      expect({ restart, alarms: after.alarms.filter((r) => !explained.includes(r)) }).toEqual({ restart, alarms: before.alarms });
      // A device-caused alarm may bring its own order; every other order row is the same.
      const orders = after.orders.filter((r) => before.orders.includes(r) || explainedIds.size === 0);
      expect({ restart, orders }).toEqual({ restart, orders: before.orders });
      before = after;
    }
  }, 600_000);
});
