// Sign-in and permissions of the example portal in a real Chromium: two demo users sign in through
// the demo OpenID Connect provider's login page (authorization code + PKCE), the page shows who is
// signed in and hides what each may not do, and the API refuses it too. The demo policy: entities
// labelled portalkit.dev/restricted and template steps tagged `platform` are for team-platform only.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '@portalkit/core';
import { DEMO_PASSWORD } from '../src/auth/index.js';
import { createExamplePortal, type ExamplePortal } from '../src/portal.js';
import { hasChromium, launchChromium, pageAccessToken, signInThroughProvider } from './support/browser.js';

const RESTRICTED = 'resource:default/production-secrets-vault';
const PLATFORM_TEMPLATE = 'template:default/request-production-database';
const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-output/screenshots');
const payments = { login: 'alan.turing', displayName: 'Alan Turing' };
const platform = { login: 'ada.lovelace', displayName: 'Ada Lovelace' };

describe.skipIf(!hasChromium)('example portal: sign-in and permissions in a browser', () => {
  let stateDir: string;
  let example: ExamplePortal;
  let baseUrl: string;
  let issuer: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    stateDir = await mkdtemp(path.join(tmpdir(), 'pk-signin-'));
    example = await createExamplePortal({ stateDir, port: 0, logger: createLogger({ sink: memorySink() }) });
    baseUrl = (await example.listen()).url;
    issuer = example.oidc()!.issuer;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  /** A fresh browser profile: its own sessionStorage and its own cookies at the provider. */
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  };
  const go = async (page: Page, hash: string) => {
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/${hash}`);
    await page.waitForSelector('body[data-ready]');
  };
  const signedIn = async (user: { login: string; displayName: string }) => {
    const page = await newPage();
    await signInThroughProvider(page, { baseUrl, issuer, login: user.login, password: DEMO_PASSWORD, displayName: user.displayName });
    return page;
  };
  const catalogRefsFor = async (page: Page, text: string) => {
    await go(page, '#/catalog');
    await page.click('#clear-filters');
    const responded = page.waitForResponse((r) => r.url().includes('/entities/by-query') && new URL(r.url()).searchParams.get('fullTextFilterTerm') === text);
    await page.fill('#catalog-text', text);
    await responded;
    await page.waitForFunction(() => !document.querySelector('.table-wrap')?.hasAttribute('aria-busy'));
    return page.$$eval('table.entities tbody tr', (rows) => rows.map((r) => r.getAttribute('data-entity-ref')));
  };
  const searchHits = async (page: Page, term: string) => {
    await go(page, `#/search?q=${encodeURIComponent(term)}`);
    await page.waitForSelector('#search-summary');
    return page.$$eval('.search-group li a', (as) => as.map((a) => a.getAttribute('href')));
  };
  const templateRunnable = (page: Page, name: string) => page.getAttribute(`[data-template="${name}"]`, 'data-runnable');
  const api = (page: Page, pathname: string, init: { method?: string; body?: unknown; token?: string | null }) =>
    page.evaluate(
      async ({ url, method, body, token }) => {
        const res = await fetch(url, {
          method,
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: await res.text() };
      },
      { url: `${baseUrl}${pathname}`, method: init.method ?? 'GET', body: init.body, token: init.token ?? null },
    );

  it('without a token: anonymous, reads public entries, may not register or run templates', async () => {
    const page = await newPage();
    await go(page, '#/catalog');
    expect(await page.textContent('#signed-in-user')).toBe('Not signed in');
    expect(await page.$('#auth-area #sign-in')).not.toBeNull();
    expect(await page.$('#create-link')).toBeNull();
    expect(await page.$('#register-location')).toBeNull();
    expect(await catalogRefsFor(page, 'vault')).toEqual([]);
    expect(await catalogRefsFor(page, 'payments-db')).toContain('resource:default/payments-db');
    await go(page, '#/create');
    await page.waitForSelector('[data-template]');
    expect(await templateRunnable(page, 'create-nodejs-service')).toBe('false');
    expect(await page.textContent('[data-template="create-nodejs-service"] .not-allowed')).toBe('Sign in to run templates.');
    const task = await api(page, '/api/scaffolder/v2/tasks', { method: 'POST', body: { templateRef: 'template:default/create-docs-site', values: { name: 'anon-docs', title: 'x', owner: 'team-platform' } } });
    expect(task.status).toBe(403);
    const location = await api(page, '/api/catalog/locations', { method: 'POST', body: { type: 'url', target: 'https://example.com/catalog-info.yaml' } });
    expect(location.status).toBe(403);
  });

  it('the provider refuses a wrong password on its login page', async () => {
    const page = await newPage();
    await go(page, '#/catalog');
    await page.click('#auth-area #sign-in');
    await page.waitForURL((url) => url.href.startsWith(`${issuer}/interaction/`));
    await page.check('input[name="login"][value="alan.turing"]');
    await page.screenshot({ path: path.join(screenshots, '20-sign-in-provider-login.png') });
    await page.fill('#password', 'not-the-password');
    await page.click('button#sign-in');
    await page.waitForSelector('.error');
    expect(await page.textContent('.error')).toBe('Unknown user or wrong password.');
    expect(page.url().startsWith(issuer)).toBe(true);
  });

  it('a team-payments member: signed in, cannot see the restricted entity, cannot run the platform template', async () => {
    const page = await signedIn(payments);
    expect(await page.getAttribute('#signed-in-user', 'data-user')).toBe('user:default/alan.turing');
    expect(await page.$('#create-link')).not.toBeNull();
    expect(await page.$('#register-location')).not.toBeNull();
    // Catalog list, entity page by URL, search.
    expect(await catalogRefsFor(page, 'vault')).toEqual([]);
    await go(page, '#/entity/resource/default/production-secrets-vault');
    expect(await page.$('#entity-title')).toBeNull();
    expect(await page.textContent('#app')).toContain('NotFoundError');
    expect((await searchHits(page, 'vault')).some((href) => href?.includes('production-secrets-vault'))).toBe(false);
    const token = await pageAccessToken(page);
    const byName = await api(page, '/api/catalog/entities/by-name/resource/default/production-secrets-vault', { token });
    expect(byName.status).toBe(404);
    // Templates: the platform one is shown without its Choose button; the API refuses a hand-made task.
    await go(page, '#/create');
    await page.waitForSelector('[data-template="request-production-database"]');
    expect(await templateRunnable(page, 'create-nodejs-service')).toBe('true');
    expect(await templateRunnable(page, 'request-production-database')).toBe('false');
    expect(await page.$('[data-template="request-production-database"] a.button')).toBeNull();
    const refused = await api(page, '/api/scaffolder/v2/tasks', { method: 'POST', token, body: { templateRef: PLATFORM_TEMPLATE, values: { name: 'sneaky-db', owner: 'team-payments' } } });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error.name).toBe('NotAllowedError');
    await page.screenshot({ path: path.join(screenshots, '21-sign-in-payments-templates.png') });
  });

  it('a team-platform member: sees the restricted entity and runs the platform template', async () => {
    const page = await signedIn(platform);
    expect(await catalogRefsFor(page, 'vault')).toEqual([RESTRICTED]);
    await go(page, '#/entity/resource/default/production-secrets-vault');
    await page.waitForSelector('#entity-title');
    expect(await page.textContent('#entity-title')).toBe('production-secrets-vault');
    expect((await searchHits(page, 'vault')).some((href) => href?.includes('production-secrets-vault'))).toBe(true);
    await go(page, '#/create');
    await page.waitForSelector('[data-template="request-production-database"]');
    expect(await templateRunnable(page, 'request-production-database')).toBe('true');
    await page.click('[data-template="request-production-database"] a.button');
    await page.waitForSelector('form.step-form[data-step="0"]');
    await page.fill('#f0-name', 'ledger-archive');
    await page.selectOption('#f0-owner', 'team-payments');
    await page.click('#next-step');
    await page.waitForSelector('#create-button');
    await page.click('#create-button');
    await page.waitForSelector('#task-log');
    await page.waitForFunction(() => ['completed', 'failed'].includes(document.querySelector('#task-status')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await page.textContent('#task-status')).toBe('completed');
    expect(await page.textContent('#task-log')).toContain('Provisioned ledger-archive');
  });

  it('a tampered token is refused (401) and the page shows the user as signed out', async () => {
    const page = await signedIn(payments);
    const token = await pageAccessToken(page);
    // Claim another user in the payload; the signature no longer matches.
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'user:default/ada.lovelace' })).toString('base64url')}.${signature}`;
    expect((await api(page, '/api/auth/whoami', { token: forged })).status).toBe(401);
    await page.evaluate((t) => {
      const tokens = JSON.parse(sessionStorage.getItem('portalkit.tokens')!);
      sessionStorage.setItem('portalkit.tokens', JSON.stringify({ ...tokens, accessToken: t }));
    }, forged);
    await go(page, '#/catalog');
    await page.waitForSelector('#signed-out-notice');
    expect(await page.textContent('#signed-out-notice')).toContain('You have been signed out');
    await page.screenshot({ path: path.join(screenshots, '22-sign-in-tampered-token.png') });
    expect(await page.textContent('#signed-in-user')).toBe('Not signed in');
    expect(await page.evaluate(() => sessionStorage.getItem('portalkit.tokens'))).toBeNull();
    expect(await catalogRefsFor(page, 'vault')).toEqual([]);
  });

  it('an expired sign-in shows as signed out and sends no token', async () => {
    const page = await signedIn(platform);
    await page.evaluate(() => {
      const tokens = JSON.parse(sessionStorage.getItem('portalkit.tokens')!);
      sessionStorage.setItem('portalkit.tokens', JSON.stringify({ ...tokens, expiresAt: Date.now() - 1000 }));
    });
    const sent: (string | null)[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/')) sent.push(request.headers().authorization ?? null);
    });
    await go(page, '#/catalog');
    await page.waitForSelector('#signed-out-notice');
    expect(await page.textContent('#signed-out-notice')).toContain('your sign-in expired');
    expect(await page.textContent('#signed-in-user')).toBe('Not signed in');
    expect(await catalogRefsFor(page, 'vault')).toEqual([]);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((header) => header === null)).toBe(true);
  });

  it('signs out and in again as another user in the same tab', async () => {
    const page = await signedIn(payments);
    await page.click('#sign-out');
    await page.waitForSelector('body[data-ready]');
    await page.waitForFunction(() => document.querySelector('#signed-in-user')?.textContent === 'Not signed in');
    await signInThroughProvider(page, { baseUrl, issuer, login: platform.login, password: DEMO_PASSWORD, displayName: platform.displayName });
    expect(await catalogRefsFor(page, 'vault')).toEqual([RESTRICTED]);
    expect(pageErrors).toEqual([]);
  });
});
