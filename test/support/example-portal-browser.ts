// The example portal running in-process on a free port, and a Chromium page driving it
// (playwright-core with Debian's Chromium, see scripts/ensure-chromium.sh).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createLogger, memorySink } from '@portalkit/core';
import { createExamplePortal, type ExamplePortal } from '../../examples/portal/src/portal.js';

export const CHROMIUM = process.env.PORTALKIT_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser tests can run; under CI a missing Chromium is an error, not a skip. */
export function hasChromium(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing; run scripts/ensure-chromium.sh`);
  console.warn(`skipping ${what}: ${CHROMIUM} is missing (run bash scripts/ensure-chromium.sh)`);
  return false;
}

export interface PortalInBrowser {
  example: ExamplePortal;
  baseUrl: string;
  stateDir: string;
  browser: Browser;
  page: Page;
  /** Every URL the page requested, in order (cleared by `go`). */
  requests: string[];
  /** Loads `baseUrl/<hash>` afresh and waits until the route rendered. */
  go(hash: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the example portal and opens a page on it. Requests to any other origin are recorded
 * and aborted, so a test can assert that nothing left the portal.
 */
export async function openPortalInBrowser(): Promise<PortalInBrowser> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'pk-portal-sec-'));
  const example = await createExamplePortal({ stateDir, port: 0, logger: createLogger({ sink: memorySink() }) });
  const baseUrl = (await example.listen()).url;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.setDefaultTimeout(15_000);
  const requests: string[] = [];
  const origin = new URL(baseUrl).origin;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    return new URL(url).origin === origin ? route.fallback() : route.abort();
  });
  return {
    example,
    baseUrl,
    stateDir,
    browser,
    page,
    requests,
    async go(hash) {
      await page.goto('about:blank');
      requests.length = 0;
      await page.goto(`${baseUrl}/${hash}`);
      await page.waitForSelector('body[data-ready]');
    },
    async close() {
      await browser.close();
      await example.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
