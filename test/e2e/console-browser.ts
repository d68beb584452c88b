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

/**
 * Something that went wrong in a page of a browser launched here: an uncaught exception (Svelte's
 * effect_update_depth_exceeded among them), a console error, a request that failed on the network,
 * or a response of 500 and above. Every e2e test fails on any it did not expect (test/e2e/setup.ts).
 */
export interface PageProblem {
  readonly kind: 'pageerror' | 'console' | 'requestfailed' | 'http';
  readonly url: string;
  readonly text: string;
}

const problems: PageProblem[] = [];

/** The problems recorded since the last call, cleared: a test that expects some takes and checks them. */
export function takePageProblems(): PageProblem[] {
  return problems.splice(0, problems.length);
}

function watch(page: Page): void {
  const add = (kind: PageProblem['kind'], text: string) => problems.push({ kind, url: page.url(), text });
  page.on('pageerror', (error) => add('pageerror', `${error.name}: ${error.message}`));
  page.on('console', (message) => {
    // A failed response is recorded as `http` (5xx) or is the test's business (401, 409…); Chromium's own line adds nothing.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) add('console', message.text());
  });
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    // A navigation or a closed page cancels what was in flight: not a fault of the page.
    if (failure !== 'net::ERR_ABORTED') add('requestfailed', `${request.method()} ${request.url()}: ${failure}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) add('http', `${response.request().method()} ${response.url()}: ${response.status()}`);
  });
}

/** Chromium with every page it opens watched for problems (`takePageProblems`). */
export async function launchChromium(): Promise<Browser> {
  const browser = await launchBrowser();
  const newPage = browser.newPage.bind(browser);
  const newContext = browser.newContext.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    watch(page);
    return page;
  };
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('page', watch);
    return context;
  };
  return browser;
}

function launchBrowser(): Promise<Browser> {
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
  return logIn(page, baseUrl, username, password, path);
}

/** Logs in on a page made by the caller (another time zone, a fake clock…) and opens `path` live. */
export async function logIn(page: Page, baseUrl: string, username: string, password: string, path = '/'): Promise<Page> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await waitOnline(page);
  if (path !== '/') await page.goto(`${baseUrl}${path}`);
  await waitOnline(page);
  return page;
}

/** Waits for the live connection; when it never comes, the page's own errors say why. */
async function waitOnline(page: Page): Promise<void> {
  try {
    await page.waitForSelector('[data-testid="connection"][data-state="online"]');
  } catch (error) {
    const seen = problems.map((p) => `${p.kind}: ${p.text}`).join('\n');
    throw new Error(`${page.url()} never showed the connection online${seen ? `; the page reported:\n${seen}` : ''}`, { cause: error });
  }
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
