import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLocalInput, weekStart } from '../../console/src/lib/components/admin/roster-week.ts';
import { startTestStack } from '../harness/stack.ts';
import { chromiumPresent, consoleDir, createUser, launchChromium, logIn } from './console-browser.ts';

/**
 * Issue 22: the admin screen looped (an effect reading the state it wrote) on one machine and not on
 * another. The screen is opened here on dates chosen to be awkward — the last minute of a site
 * week, New Year's Eve, a DST change in the browser's own zone — by a browser in another zone
 * than the site's, each with the browser clock moved there, and must load once and stay quiet.
 */
const SITE_ZONE = 'Asia/Shanghai';
const dates = [
  ['the real clock', undefined],
  ['Sunday 23:59:30 site time (the week turns)', '2026-12-13T23:59:30+08:00'],
  ["New Year's Eve 23:59:50 site time", '2026-12-31T23:59:50+08:00'],
  ['the spring-forward night in the browser zone', '2027-03-14T06:59:00Z'],
  ['a leap day', '2028-02-29T12:00:00+08:00'],
] as const;

describe.skipIf(!chromiumPresent)('admin screen on awkward dates, browser in another zone', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack({ broker: 'aedes', db: 'pglite', consoleDir });
    browser = await launchChromium();
    await createUser(stack.db, stack.siteId, 'admin', 'admin', '管理员 周平');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it.each(dates)('%s: one roster load, the site week, no loop', async (_name, iso) => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, timezoneId: 'America/New_York' });
    const page = await context.newPage();
    if (iso !== undefined) await page.clock.install({ time: new Date(iso) });
    let shiftLoads = 0;
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/roster/shifts')) shiftLoads++;
    });
    await logIn(page, stack.server.url, 'admin', 'test-password', '/admin');
    const week = page.locator('[data-testid="roster-week"]');
    await week.waitFor();
    const browserNow = await page.evaluate(() => Date.now());
    expect(await week.getAttribute('data-week-start')).toBe(toLocalInput(weekStart(browserNow, SITE_ZONE), SITE_ZONE).slice(0, 10));
    await page.locator('[data-testid="on-duty-now"]').waitFor();
    await page.waitForTimeout(1500);
    // One load for the screen (a second may follow if the site's zone arrived after the first).
    expect(shiftLoads).toBeGreaterThanOrEqual(1);
    expect(shiftLoads).toBeLessThanOrEqual(2);
    await context.close();
  });
});
