// Shared by the example portal's browser tests: where Chromium is, how it is launched, and how a
// demo user signs in through the demo OpenID Connect provider's real login page.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.PORTALKIT_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing; run scripts/ensure-chromium.sh (the root \`pnpm test\` does)`);
}
if (!hasChromium) console.warn(`skipping browser tests: ${CHROMIUM} is missing (run bash scripts/ensure-chromium.sh)`);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Clicks "Sign in" in the portal's header, picks `login` on the provider's login page, types the
 * password and waits until the portal shows the user as signed in.
 */
export async function signInThroughProvider(page: Page, options: { baseUrl: string; issuer: string; login: string; password: string; displayName: string }): Promise<void> {
  if (!page.url().startsWith(options.baseUrl)) {
    await page.goto(`${options.baseUrl}/#/catalog`);
    await page.waitForSelector('body[data-ready]');
  }
  await page.click('#auth-area #sign-in');
  await page.waitForURL((url) => url.href.startsWith(`${options.issuer}/interaction/`));
  expect(await page.textContent('h1')).toContain('Sign in');
  await page.check(`input[name="login"][value="${options.login}"]`);
  await page.fill('#password', options.password);
  await page.click('button#sign-in');
  await page.waitForURL((url) => url.href.startsWith(options.baseUrl));
  await page.waitForSelector('body[data-ready]');
  await page.waitForFunction((name) => document.querySelector('#signed-in-user')?.textContent === name, options.displayName);
}

/** The access token the page holds (sessionStorage), for hand-made API calls. */
export async function pageAccessToken(page: Page): Promise<string> {
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('portalkit.tokens') ?? '{}').accessToken as string | undefined);
  if (!token) throw new Error('the page holds no access token');
  return token;
}
