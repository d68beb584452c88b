import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Db } from '@dutyroom/platform';
import { hashPassword } from '@dutyroom/server';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Chromium, the built console and the helpers the console's end-to-end tests share. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const consoleDir = fileURLToPath(new URL('../../console/build', import.meta.url));
export const chromiumPresent = existsSync(CHROMIUM);
if (!chromiumPresent && process.env['CI'] === 'true') throw new Error(`CI=true but Chromium is missing at ${CHROMIUM}; .ci/run installs it`);
if (!existsSync(`${consoleDir}/index.html`)) throw new Error('console/build is missing: npm test builds it (scripts/build-console-if-stale.mjs)');

/** Screenshots of each main screen are kept as test artefacts here (docs/screenshots has the README's copies). */
export const artifactsDir = process.env['DUTYROOM_ARTIFACTS_DIR'] ?? fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Autoplay allowed: the audible alarm starts without a click, as on a wall screen set up once.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export async function openConsole(browser: Browser, baseUrl: string, username = 'operator', password = 'dutyroom-demo', path = '/'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="connection"][data-state="online"]');
  if (path !== '/') await page.goto(`${baseUrl}${path}`);
  await page.waitForSelector('[data-testid="connection"][data-state="online"]');
  return page;
}

/** An account of a given role on the site with the test password (replacing a demo account of that name). */
export async function createUser(db: Db, siteId: string, username: string, role: string, displayName: string): Promise<void> {
  await db.query(
    'insert into users (username, display_name, role, site_id, password_hash) values ($1, $2, $3, $4, $5) on conflict (username) do update set display_name = excluded.display_name, role = excluded.role, site_id = excluded.site_id, password_hash = excluded.password_hash',
    [username, displayName, role, siteId, await hashPassword('test-password')],
  );
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page: the serious and critical violations (an empty list passes). */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  // A string, so this Node-side file needs no DOM types; it runs in the page.
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`)) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = `${artifactsDir}/${name}.png`;
  await page.screenshot({ path });
  return path;
}
