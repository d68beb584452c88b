import { topics } from '@dutyroom/domain';
import { parseSiteText, siteToYaml } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher } from '../harness/clients.ts';
import { waitFor } from '../harness/servers.ts';
import { startTestStack } from '../harness/stack.ts';
import { chromiumPresent, consoleDir, launchChromium, openConsole, screenshot, seriousA11yViolations } from './console-browser.ts';

/**
 * Admin → Site data in Chromium against the real stack: a device added in the console is decoded
 * by the running ingest and its alarm reaches the operator's wall; a wrong threshold is refused
 * with the error next to its field; a file is imported with a preview of what it changes.
 */
describe.skipIf(!chromiumPresent)('site data in the console', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let browser: Browser;
  let device: MqttClient;
  let admin: Page;

  beforeAll(async () => {
    stack = await startTestStack({ broker: 'aedes', db: 'pglite', consoleDir });
    device = await devicePublisher(stack.mqttUrl);
    browser = await launchChromium();
    admin = await openConsole(browser, stack.server.url, 'admin', 'dutyroom-demo', '/admin/site');
  });
  afterAll(async () => {
    await browser?.close();
    await device?.endAsync();
    await stack?.stop();
  });

  it('adds a water meter to a vacant unit; the ingest decodes it and its alarm reaches the wall', async () => {
    await admin.locator('[data-testid="site-revision"]').getByText('r1').waitFor();
    expect(await seriousA11yViolations(admin)).toEqual([]);
    await admin.getByTestId('device-id').fill('wm-e2e-1-1-101');
    await admin.getByTestId('device-holder').selectOption('1-1-101');
    await admin.getByTestId('device-save').click();
    await admin.getByTestId('site-status').getByText('r2').waitFor();
    await screenshot(admin, 'site-data-devices');
    await waitFor(() => stack.ingest.siteRevision === 2, 'the ingest on revision 2');

    const operator = await openConsole(browser, stack.server.url);
    const topic = topics.deviceMessage(stack.siteId, 'wm-e2e-1-1-101', 'reading');
    const t0 = Date.now() - 5 * 60_000;
    await device.publishAsync(topic, JSON.stringify({ ts: t0, total: 3 }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ts: t0 + 60_000, total: 3.05 }), { qos: 1 });
    await operator.locator('[data-testid="anomaly-row"][data-unit="1-1-101"]').waitFor({ timeout: 10_000 });
    const rows = await stack.db.query<{ device_id: string }>(`select device_id from anomalies where unit_id = '1-1-101'`);
    expect(rows.rows.map((r) => r.device_id)).toEqual(['wm-e2e-1-1-101']);
    await operator.close();
  });

  it('refuses a negative threshold with the error next to its field, then saves a valid one', async () => {
    await admin.getByRole('tab', { name: '规则阈值' }).click();
    await admin.getByTestId('rule-pick').selectOption('vacant-unit-water');
    const field = admin.getByTestId('rule-site-thresholdLitres');
    await field.fill('-5');
    await admin.getByTestId('rule-save').click();
    // The refusal comes back from the server: wait for it rather than read the field at once.
    await admin.locator('[data-testid="rule-site-thresholdLitres"][aria-invalid="true"]').waitFor();
    const error = admin.locator('#rule-site-thresholdLitres-err');
    await error.waitFor();
    expect(await error.innerText()).not.toBe('');
    await field.fill('25');
    await admin.getByTestId('rule-save').click();
    await admin.getByTestId('site-status').getByText('r3').waitFor();
    await expect(field.getAttribute('aria-invalid')).resolves.toBe('false');
    expect(await seriousA11yViolations(admin)).toEqual([]);
    await screenshot(admin, 'site-data-rules');
  });

  it('refuses to remove a steward a grid still names, and says which grid', async () => {
    await admin.getByRole('tab', { name: '人员' }).click();
    await admin.getByTestId('people-editor').getByRole('combobox').first().selectOption('li');
    await admin.getByRole('button', { name: '删除' }).click();
    await admin.getByRole('button', { name: '确认删除' }).click();
    await admin.getByTestId('people-editor').getByText('document.grids.1.steward').waitFor();
    expect(await admin.getByTestId('site-status').innerText()).toContain('输入有误');
    expect(await seriousA11yViolations(admin)).toEqual([]);
  });

  it('imports a file: the preview lists what changes, applying saves revision 4', async () => {
    await admin.getByRole('tab', { name: '导入 / 导出' }).click();
    const exported = await admin.evaluate(async () => (await fetch('/api/v1/site/config/export?format=yaml')).text());
    const parsed = parseSiteText(exported, 'yaml');
    if (!parsed.ok) throw new Error('export is not YAML');
    const site = parsed.value as typeof stack.site;
    const unit = site.units.find((u) => u.id === '1-1-102');
    if (unit === undefined) throw new Error('test site changed');
    unit.keyHeld = true;
    site.grids.push({ id: 'g3', name: '三网格', steward: 'li' });
    await admin.getByTestId('import-file').setInputFiles({ name: 'site.yaml', mimeType: 'application/yaml', buffer: Buffer.from(siteToYaml(site)) });
    await admin.getByTestId('import-preview').click();
    await admin.getByTestId('import-diff').waitFor();
    expect(await admin.getByTestId('diff-units').innerText()).toContain('1-1-102');
    expect(await admin.getByTestId('diff-grids').innerText()).toContain('g3');
    expect((await stack.db.query('select 1 from site_revisions where site_id = $1', [stack.siteId])).rows).toHaveLength(3);
    await screenshot(admin, 'site-data-import');
    await admin.getByTestId('import-apply').click();
    await admin.locator('[data-testid="site-revision"]').getByText('r4').waitFor();
    await waitFor(() => stack.ingest.siteRevision === 4, 'the ingest on revision 4');
  });
  it('adds a unit in the Places tab and it is on the site map', async () => {
    await admin.getByRole('tab', { name: '楼栋与房屋' }).click();
    const places = admin.getByTestId('places-editor');
    await places.getByTestId('place-type-unit').check();
    await admin.getByTestId('place-id').fill('1-1-1001');
    await admin.getByTestId('place-building').selectOption('1');
    await admin.getByTestId('place-floor').fill('10');
    await admin.getByTestId('place-save').click();
    await admin.getByTestId('site-status').getByText('r5').waitFor();
    expect(await seriousA11yViolations(admin)).toEqual([]);
    await screenshot(admin, 'site-data-places');
    const map = await openConsole(browser, stack.server.url, 'admin', 'dutyroom-demo', '/map');
    await map.locator('[data-testid="unit-cell"][data-unit="1-1-1001"]').waitFor({ timeout: 10_000 });
    await map.close();
  });

  it('shows what a revision changed and restores an older revision as a new one', async () => {
    await admin.getByRole('tab', { name: '修订历史' }).click();
    const r5 = admin.getByTestId('history-r5');
    await r5.getByTestId('history-diff').click();
    expect(await admin.getByTestId('history-diff-units').innerText()).toContain('1-1-1001');
    const r4 = admin.getByTestId('history-r4');
    await r4.getByTestId('history-restore').click();
    await r4.getByRole('button', { name: '确认恢复（另存为新修订）' }).click();
    await admin.locator('[data-testid="site-revision"]').getByText('r6').waitFor();
    expect(await seriousA11yViolations(admin)).toEqual([]);
    await screenshot(admin, 'site-data-history');
    const rows = await stack.db.query<{ revision: number; document: unknown }>(
      'select revision, document from site_revisions where site_id = $1 and revision in (4, 6) order by revision',
      [stack.siteId],
    );
    const doc = (d: unknown) => (typeof d === 'string' ? JSON.parse(d) : d);
    expect(doc(rows.rows[1]?.document)).toEqual(doc(rows.rows[0]?.document));
    await waitFor(() => stack.ingest.siteRevision === 6, 'the ingest on revision 6');
  });
});
