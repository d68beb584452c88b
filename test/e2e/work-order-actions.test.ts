import { topics } from '@dutyroom/domain';
import type { MqttClient } from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher } from '../harness/clients.ts';
import { waitFor } from '../harness/servers.ts';
import { startTestStack } from '../harness/stack.ts';
import { VACANT_WATER_HOLD } from '../integration/access-stack.ts';
import { chromiumPresent, consoleDir, launchChromium, openConsole } from './console-browser.ts';

/**
 * The first minutes of a vacant-unit water order in the control room: 关阀 remotely (confirmed in a
 * dialog, the command reaches the meter's gateway over MQTT) and 升级 by hand to the on-duty steward.
 */
describe.skipIf(!chromiumPresent)('work-order actions in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let browser: Browser;
  let device: MqttClient;
  const commands: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ broker: 'aedes', db: 'pglite', consoleDir });
    device = await devicePublisher(stack.mqttUrl);
    await device.subscribeAsync(topics.valveCommand(stack.siteId, 'wm-2-1-101'), { qos: 1 });
    device.on('message', (_topic, payload) => commands.push(payload.toString()));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await device?.endAsync();
    await stack?.stop();
  });

  it('closes the valve of the leaking custody unit after a confirmation, and says plainly when nobody is left to escalate to', async () => {
    const page = await openConsole(browser, stack.server.url);
    // 2-1-101 is in custody (托管) and its meter counts 10 L pulses: 40 L in a minute.
    const topic = topics.deviceMessage(stack.siteId, 'wm-2-1-101', 'reading');
    // Running since just past its 20 s dispatch hold, so the order is due at once (the hold: test/integration/work-orders-dispatch.test.ts).
    const now = Date.now() - VACANT_WATER_HOLD - 1000;
    await device.publishAsync(topic, JSON.stringify({ ts: now - 60_000, pulses: 100 }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ts: now, pulses: 104 }), { qos: 1 });
    const row = page.locator('[data-testid="work-order-row"][data-unit="2-1-101"]');
    await row.waitFor({ timeout: 10_000 });
    await row.locator('a').first().click();
    await page.locator('[data-testid="work-order-view"]').waitFor();

    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.click('[data-testid="close-valve"]');
    await page.getByRole('status').filter({ hasText: '关阀指令已发出' }).waitFor();
    expect(asked).toContain('水阀');
    const sent = await waitFor(() => commands[0], 'the valve command at the gateway');
    expect(JSON.parse(sent)).toMatchObject({ action: 'close', drill: false });

    await expect(page.locator('[data-testid="timeline"]').innerText()).resolves.toContain('远程关阀');
    // This test site names no on-duty steward, supervisor or manager: the operator is told plainly
    // (the chain itself is covered by test/integration/work-orders-clocks.test.ts).
    await page.fill('.escalate input', '业主联系不上');
    await page.click('[data-testid="escalate"]');
    await page.getByRole('alert').filter({ hasText: 'escalation chain' }).waitFor();
    await page.close();
  });
});
