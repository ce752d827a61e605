import { existsSync } from 'node:fs';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type ConsoleMessage, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

/** Path of Debian's chromium package. playwright-core never downloads a browser of its own. */
const CHROMIUM_PATH = '/usr/bin/chromium';

// Outside CI a missing browser skips the test. In CI `.ci/run` installs chromium first, so a
// missing browser fails the launch there.
const runBrowserTests = existsSync(CHROMIUM_PATH) || Boolean(process.env.CI);
const suiteTitle = runBrowserTests
  ? 'GraphiQL in Chromium'
  : `GraphiQL in Chromium (skipped: ${CHROMIUM_PATH} not found, install Debian's chromium package)`;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Every host name except 127.0.0.1 fails to resolve, so a stray request to a named host cannot
  // leave the machine. The page's requests are still recorded, and asserted on below.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Requests and errors recorded while the page runs. */
interface PageActivity {
  requestUrls: string[];
  /** Console errors of the page and its workers, CSP violations included. */
  consoleErrors: string[];
  pageErrors: string[];
}

/** Logs each CSP violation in the document with its directive and the element it blocked. */
function reportCspViolations() {
  document.addEventListener('securitypolicyviolation', (event) => {
    const element = event.target instanceof Element ? event.target : undefined;
    const target = element ? `<${element.localName} class="${element.className}">` : 'document';
    console.error(
      `CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI} in ${target}`,
    );
  });
}

async function recordActivity(page: Page): Promise<PageActivity> {
  const activity: PageActivity = { requestUrls: [], consoleErrors: [], pageErrors: [] };
  const recordConsole = (message: ConsoleMessage) => {
    // Chromium also logs each CSP violation as a console error that names the policy.
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) {
      activity.consoleErrors.push(message.text());
    }
  };

  page.context().on('request', (request) => activity.requestUrls.push(request.url()));
  page.on('console', recordConsole);
  page.on('worker', (worker) => worker.on('console', recordConsole));
  page.on('pageerror', (error) => activity.pageErrors.push(error.message));
  await page.addInitScript(reportCspViolations);
  return activity;
}

function hostOf(url: string): string | undefined {
  const { protocol, hostname } = new URL(url);
  const isNetwork = ['http:', 'https:', 'ws:', 'wss:'].includes(protocol);
  return isNetwork ? hostname : undefined;
}

describe.skipIf(!runBrowserTests)(suiteTitle, () => {
  let gateway: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    gateway = await startGateway();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('runs the default query without CSP violations', { timeout: 30_000 }, async ({ annotate }) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const activity = await recordActivity(page);

    const response = await page.goto(`${gateway.url}/graphql`, { waitUntil: 'load' });
    const headers = response?.headers() ?? {};

    expect(response?.status()).toBe(200);
    expect(headers['content-security-policy'] ?? '', 'CSP header of /graphql').toContain(
      "default-src 'none'",
    );
    expect(headers['content-encoding']).toBe('br');

    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction(
      () => {
        const text = document.querySelector('.graphiql-response')?.textContent ?? '';
        return text.includes('joyous-view-6290') && text.includes('SUCCESS');
      },
      undefined,
      { timeout: 15_000 },
    );

    const screenshotPath = join(await mkdtemp(join(tmpdir(), 'graphiql-')), 'graphiql.png');
    await page.screenshot({ path: screenshotPath });
    await annotate(`screenshot: ${screenshotPath}`);

    const otherHosts = activity.requestUrls.filter((url) => {
      const host = hostOf(url);
      return host !== undefined && host !== '127.0.0.1';
    });
    expect(otherHosts).toEqual([]);
    expect(activity.requestUrls).toContain(`${gateway.url}/graphql`);
    expect(activity.consoleErrors).toEqual([]);
    expect(activity.pageErrors).toEqual([]);
    expect((await stat(screenshotPath)).size).toBeGreaterThan(10_000);
  });
});
