import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../harness/stack.ts';
import { chromiumPresent, consoleDir, createUser, launchChromium, openConsole, screenshot, seriousA11yViolations } from './console-browser.ts';

/** A 1×1 PNG, for the photo upload. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/**
 * A phone request's whole life in the console, on the real work-order API: front-desk intake,
 * one-click dispatch from the wall, accept, on site, resolve, owner told, return visit (which closes it);
 * with a note and a photo on the way.
 */
describe.skipIf(!chromiumPresent)('work-order lifecycle in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack({ broker: 'aedes', db: 'pglite', consoleDir });
    browser = await launchChromium();
    await createUser(stack.db, stack.siteId, 'desk', 'admin', '客服 刘洋');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const act = async (page: Page, action: string, fill?: (page: Page) => Promise<void>) => {
    await page.locator(`[data-testid="action-${action}"]`).check();
    await fill?.(page);
    const version = await page.locator('[data-testid="wo-status"]').innerText();
    await page.click('[data-testid="submit-action"]');
    await page.waitForFunction(`document.querySelector('[data-testid="wo-status"]')?.textContent !== ${JSON.stringify(version)}`, undefined, { timeout: 5000 });
  };

  it('takes a phone request from intake through dispatch, resolution and a satisfied return visit to closed', async () => {
    const desk = await openConsole(browser, stack.server.url, 'desk', 'test-password', '/intake');
    const form = desk.locator('[data-testid="intake-form"]');
    await form.locator('select[name="category"]').selectOption('repair');
    await form.locator('select[name="channel"]').selectOption('phone');
    await form.locator('input[name="unitId"]').fill('1-1-102');
    await form.locator('input[name="ownerName"]').fill('陈业主');
    await form.locator('input[name="ownerPhone"]').fill('13912345678');
    await form.locator('textarea[name="description"]').fill('厨房水龙头漏水');
    expect(await seriousA11yViolations(desk)).toEqual([]);
    await screenshot(desk, 'intake');
    await desk.click('[data-testid="submit-intake"]');
    await desk.waitForURL(/\/work-orders\/\d+$/);
    const id = new URL(desk.url()).pathname.split('/').at(-1) ?? '';
    await desk.locator('[data-testid="work-order-view"][data-status="created"]').waitFor();

    // The control room dispatches it from the wall in one click.
    const operator = await openConsole(browser, stack.server.url);
    const row = operator.locator(`[data-testid="work-order-row"][data-id="${id}"]`);
    await row.waitFor({ timeout: 5000 });
    await row.locator('[data-testid="dispatch"]').click();
    await operator.locator(`[data-testid="work-order-row"][data-id="${id}"][data-status="dispatched"]`).waitFor({ timeout: 5000 });
    await desk.locator('[data-testid="work-order-view"][data-status="dispatched"]').waitFor({ timeout: 5000 });

    await act(desk, 'accept');
    await act(desk, 'arrive');
    await desk.fill('#wo-note', '阀芯老化，已更换');
    await desk.click('[data-testid="add-note"]');
    await desk.locator('[data-testid="timeline"]', { hasText: '阀芯老化，已更换' }).waitFor({ timeout: 5000 });
    await desk.setInputFiles('[data-testid="photo-input"]', { name: 'tap.png', mimeType: 'image/png', buffer: PNG });
    await desk.locator('[data-testid="photos"] img').first().waitFor({ timeout: 5000 });
    await act(desk, 'resolve', (p) => p.fill('[data-testid="action-form"] input[name="note"]', '更换水龙头阀芯'));
    await act(desk, 'feedBack');
    await act(desk, 'returnVisit', async (p) => {
      await p.selectOption('[data-testid="action-form"] select[name="satisfaction"]', 'satisfied');
      await p.selectOption('[data-testid="action-form"] select[name="method"]', 'phone');
      // The same day as the repair: before the next-day window, so the form asks why (issue 23).
      await p.fill('[data-testid="action-form"] input[name="earlyReason"]', '业主明天出差，今天先回访');
    });
    // A satisfied return visit closes the order (the server's rule).
    await desk.locator('[data-testid="work-order-view"][data-status="closed"]').waitFor();
    await expect(desk.locator('[data-testid="timeline"]').innerText()).resolves.toContain('回访');
    expect(await seriousA11yViolations(desk)).toEqual([]);
    await screenshot(desk, 'work-order-lifecycle');

    const { rows } = await stack.db.query<{ status: string }>('select status from work_orders where id = $1', [Number(id)]);
    expect(rows[0]?.status).toBe('closed');
    // Closed orders leave the wall.
    await operator.locator(`[data-testid="work-order-row"][data-id="${id}"]`).waitFor({ state: 'detached', timeout: 5000 });
  });
});
