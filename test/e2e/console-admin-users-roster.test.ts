import { localParts } from '@dutyroom/domain';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../harness/stack.ts';
import { chromiumPresent, consoleDir, createUser, launchChromium, openConsole, screenshot, seriousA11yViolations } from './console-browser.ts';

/**
 * The admin screen's users and roster sections in Chromium against the real stack: an admin
 * creates an account with a one-time password, that person logs in with it and sets their own;
 * the admin disables it and its open console is logged out; the admin adds an on-duty shift and
 * removes it.
 */
describe.skipIf(!chromiumPresent)('admin: users and roster in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let browser: Browser;
  let admin: Page;

  beforeAll(async () => {
    stack = await startTestStack({ broker: 'aedes', db: 'pglite', consoleDir });
    browser = await launchChromium();
    await createUser(stack.db, stack.siteId, 'admin', 'admin', '管理员 周平');
    admin = await openConsole(browser, stack.server.url, 'admin', 'test-password', '/admin');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('creates a user with a one-time password that logs in, then disables it, ending its session', async () => {
    const section = admin.locator('[data-testid="users-admin"]');
    await section.locator('[data-testid="user-row"][data-username="admin"]').waitFor();
    // The role → permission matrix, read only: an admin holds users:manage, an operator does not.
    await section.locator('[data-testid="role-matrix"] td[data-role="admin"][data-permission="users:manage"]', { hasText: '✓' }).waitFor();
    await expect(section.locator('td[data-role="operator"][data-permission="users:manage"]').innerText()).resolves.toBe('');

    const form = section.locator('[data-testid="create-user"]');
    await form.locator('input[name="username"]').fill('zhang.desk');
    await form.locator('input[name="displayName"]').fill('张前台');
    await form.locator('select[name="role"]').selectOption('customer-service');
    await form.locator('button[type="submit"]').click();
    const otp = (await section.locator('[data-testid="one-time-password"]').innerText()).trim();
    expect(otp).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const row = section.locator('[data-testid="user-row"][data-username="zhang.desk"]');
    await expect(row.getAttribute('data-role')).resolves.toBe('customer-service');
    expect(await seriousA11yViolations(admin)).toEqual([]);
    await screenshot(admin, 'admin-users');

    // The one-time password logs in, and the new owner must choose their own before any screen opens.
    const desk = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await desk.goto(`${stack.server.url}/login`);
    await desk.fill('input[name="username"]', 'zhang.desk');
    await desk.fill('input[name="password"]', otp);
    await desk.click('button[type="submit"]');
    const change = desk.locator('[data-testid="change-password"]');
    await change.locator('input[name="newPassword"]').fill('my own desk phrase 5');
    await change.locator('input[name="repeatPassword"]').fill('my own desk phrase 5');
    expect(await seriousA11yViolations(desk)).toEqual([]);
    await change.locator('button[type="submit"]').click();
    await desk.waitForSelector('[data-testid="connection"][data-state="online"]');
    await expect(desk.locator('header').innerText()).resolves.toContain('张前台');
    // An empty name is refused with the field named, and nothing is created.
    await form.locator('input[name="username"]').fill('bad name');
    await form.locator('input[name="displayName"]').fill('x');
    await form.locator('button[type="submit"]').click();
    await expect(section.locator('[data-testid="users-error"]').innerText()).resolves.toContain('body.username');

    await row.locator('[data-testid="toggle-user"]').click();
    await section.locator('[data-testid="user-row"][data-username="zhang.desk"][data-disabled="true"]').waitFor();
    // The disabled account's console loses its session at once: the next call sends it to the login page.
    await desk.reload();
    await desk.waitForURL(/\/login$/, { timeout: 5000 });
    await desk.close();
  });

  it('lets the admin add an on-duty shift, shown as on duty now, and remove it', async () => {
    // The first test opened and closed another page: a page in the background gets no animation
    // frames, which Playwright's click waits for.
    await admin.bringToFront();
    const roster = admin.locator('[data-testid="roster-editor"]');
    await roster.locator('[data-testid="on-duty-now"]').waitFor();
    const form = roster.locator('[data-testid="add-shift"]');
    // The form names what is wrong before anything is sent.
    await form.locator('button[type="submit"]').click();
    await expect(form.innerText()).resolves.toContain('必填');

    // The form speaks the site's clock (the test site's zone is the default, Asia/Shanghai), not the browser's.
    const local = (at: number) => {
      const p = localParts(at, 'Asia/Shanghai');
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
    };
    await form.locator('select[name="personId"]').selectOption('li');
    await form.locator('input[name="from"]').fill(local(Date.now() - 3_600_000));
    await form.locator('input[name="to"]').fill(local(Date.now() - 7_200_000));
    await form.locator('button[type="submit"]').click();
    await expect(form.innerText()).resolves.toContain('须晚于开始时间');

    await form.locator('input[name="to"]').fill(local(Date.now() + 8 * 3_600_000));
    await form.locator('button[type="submit"]').click();
    const row = roster.locator('[data-testid="shift-row"][data-person="li"]');
    await row.waitFor();
    await expect(roster.locator('[data-testid="on-duty-now"]').innerText()).resolves.toBe('李管家');
    const { rows } = await stack.db.query<{ actor: string }>(`select actor from audit_log where action = 'roster.shift-added'`);
    expect(rows).toEqual([{ actor: 'admin' }]);
    expect(await seriousA11yViolations(admin)).toEqual([]);
    await screenshot(admin, 'admin-roster');

    await row.locator('[data-testid="remove-shift"]').click();
    await row.waitFor({ state: 'detached' });
    await roster.locator('[data-testid="on-duty-now"]', { hasText: '无人值班' }).waitFor();
  });
  it('opens a unit from the site map by keyboard (one delegated handler serves every cell)', async () => {
    const page = await openConsole(browser, stack.server.url, 'admin', 'test-password', '/map');
    const cell = page.locator('[data-testid="unit-cell"][data-unit="1-1-102"]');
    await cell.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="unit-panel"][data-unit="1-1-102"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="unit-cell"][data-unit="2-1-101"]').focus();
    await page.keyboard.press('Space');
    await page.locator('[data-testid="unit-panel"][data-unit="2-1-101"]').waitFor();
    await page.close();
  });
});
