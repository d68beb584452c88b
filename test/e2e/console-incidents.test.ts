import { configSchema, localParts } from '@dutyroom/domain';
import { type Stack, startStack } from '@dutyroom/launcher';
import { createLogger, parseSiteFile } from '@dutyroom/platform';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertIncident, publishAnomalies } from '../harness/incidents.ts';
import { uniqueName, waitFor } from '../harness/servers.ts';
import { chromiumPresent, consoleDir, launchChromium, openConsole, screenshot } from './console-browser.ts';

/** A building of twelve flats, each with a water meter: room for a mass event. */
function twelveFlats(siteId: string) {
  const units = Array.from({ length: 12 }, (_, i) => {
    const id = `1-1-${101 + i}`;
    return `  - { id: ${id}, building: "1", floor: 1, occupancy: occupied, devices: [{ id: wm-${id}, kind: water-meter }] }`;
  }).join('\n');
  return parseSiteFile(`
site: { id: ${siteId}, name: 关联事件测试小区 }
people:
  - { id: wang, name: 王管家, role: steward, phone: "13800000001" }
grids:
  - { id: g1, name: 一网格, steward: wang }
buildings:
  - { id: "1", name: 1栋, kind: high-rise, floors: 10, grid: g1 }
units:
${units}
`);
}

const count = (page: Page, severity: string) => page.locator(`[data-testid="count-${severity}"]`).getAttribute('data-count');

/**
 * 关联事件 on the wall (issue 14): twelve counters going backwards in one minute are one row with
 * 12 that expands to its members; one member split out stands as its own row; the wall counts
 * the incident once.
 */
describe.skipIf(!chromiumPresent)('an incident on the wall in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  const siteId = uniqueName('inc').replace(/_/g, '-');

  beforeAll(async () => {
    const config = configSchema.parse({
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { embeddedPort: 0 },
      ingest: { clientId: `${siteId}-ingest` },
      server: { clientId: `${siteId}-server` },
      demo: true,
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    });
    stack = await startStack({ config, site: twelveFlats(siteId), log: createLogger(config.logLevel), consoleDir, inMemoryDb: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows twelve members as one row, expands to them, and splits one out into its own row', async () => {
    const page = await openConsole(browser, stack.server.url);
    const now = Date.now();
    const { incidentId, memberIds } = await insertIncident(stack.db, {
      siteId,
      memberRule: 'counter-backwards',
      scope: 'building:1',
      cause: 'mass',
      severity: 'P3',
      members: Array.from({ length: 12 }, (_, i) => ({ unitId: `1-1-${101 + i}`, deviceId: `wm-1-1-${101 + i}`, at: now - 150_000 + i * 12_000 })),
    });
    await publishAnomalies(stack.mqttUrl, stack.db, siteId, [incidentId, ...memberIds]);

    const row = page.locator(`[data-testid="incident-row"][data-id="${incidentId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await expect(row.getAttribute('data-members')).resolves.toBe('12');
    await expect(row.locator('[data-testid="incident-count"]').textContent()).resolves.toBe('12/12');
    await expect(row.locator('[data-testid="incident-cause"]').textContent()).resolves.toBe('成批');
    // The members reached the console, yet none is a row. Members get no work order of their own, so
    // the sign that they were relayed is the incident published after them, its last time moved on.
    const lastAt = now + 180_000;
    await stack.db.query(`update anomalies set evidence = evidence || jsonb_build_object('lastAt', $2::float8), version = version + 1 where id = $1`, [
      incidentId,
      lastAt,
    ]);
    await publishAnomalies(stack.mqttUrl, stack.db, siteId, [incidentId]);
    const p = localParts(lastAt, 'Asia/Shanghai');
    const clock = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
    await waitFor(async () => ((await row.textContent()) ?? '').includes(`–${clock}`), 'the incident published after its members');
    await expect(stack.db.query('select 1 from work_orders where anomaly_id = any($1::bigint[])', [memberIds]).then((r) => r.rows.length)).resolves.toBe(0);
    await page.waitForTimeout(500);
    await expect(page.locator('[data-testid="alarm-list"] [data-testid="anomaly-row"]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid="alarm-list"]').getAttribute('data-count')).resolves.toBe('1');
    await expect(count(page, 'P3')).resolves.toBe('1');

    // Expand with the keyboard (Enter on the row's button), as a wall operator would.
    const toggle = row.locator('[data-testid="incident-toggle"]');
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    const members = row.locator('[data-testid="incident-member"]');
    await waitFor(async () => (await members.count()) === 12, 'twelve members in the card');
    await expect(members.first().getAttribute('data-id')).resolves.toBe(memberIds[11]);
    await expect(row.locator('[data-testid="incident-timeline"] .bar').count()).resolves.toBeGreaterThanOrEqual(3);
    await screenshot(page, 'wall-incident-expanded');

    // 拆分为独立工单 with a reason: the member stands alone on the wall.
    const target = row.locator(`[data-testid="incident-member"][data-id="${memberIds[5]}"]`);
    await target.locator('[data-testid="split-member"]').click();
    await target.locator('[data-testid="split-reason"]').fill('这户确有漏水');
    await target.locator('[data-testid="split-confirm"]').click();
    await page.locator(`[data-testid="alarm-list"] [data-testid="anomaly-row"][data-id="${memberIds[5]}"]`).waitFor({ timeout: 5000 });
    await expect(target.getAttribute('data-split')).resolves.toBe('true');
    await waitFor(async () => (await count(page, 'P3')) === '2', 'the split member counted on its own');
    await expect(page.locator('[data-testid="alarm-list"]').getAttribute('data-count')).resolves.toBe('2');
    const audit = await stack.db.query<{ detail: { reason: string } }>(`select detail from audit_log where action = 'anomaly.split' and subject_id = $1`, [
      memberIds[5],
    ]);
    expect(audit.rows[0]?.detail.reason).toBe('这户确有漏水');
    await screenshot(page, 'wall-incident-split');

    // Collapsed by a click: one line again.
    await toggle.click();
    await expect(row.getAttribute('data-expanded')).resolves.toBe('false');
    await expect(row.locator('[data-testid="incident-detail"]').count()).resolves.toBe(0);
  });
});
