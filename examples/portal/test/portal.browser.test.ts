// End-to-end flows of the example portal in a real Chromium, driven by playwright-core.
// The portal runs in-process on a free port with a temporary state dir.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '@portalkit/core';
import { DEMO_PASSWORD } from '../src/auth/index.js';
import { createExamplePortal, type ExamplePortal } from '../src/portal.js';
import { hasChromium, launchChromium, signInThroughProvider } from './support/browser.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const screenshots = path.join(repoRoot, 'test-output/screenshots');

describe.skipIf(!hasChromium)('example portal in a browser', () => {
  let stateDir: string;
  let example: ExamplePortal | undefined;
  let baseUrl: string;
  let issuer: string | undefined;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    stateDir = await mkdtemp(path.join(tmpdir(), 'pk-portal-'));
    if (process.env.PORTALKIT_EXAMPLE_URL) {
      baseUrl = process.env.PORTALKIT_EXAMPLE_URL;
    } else {
      example = await createExamplePortal({ stateDir, port: 0, logger: createLogger({ sink: memorySink() }) });
      baseUrl = (await example.listen()).url;
      issuer = example.oidc()?.issuer;
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  // A fresh page load per visit: going to the same URL with only a new hash would not reload.
  const go = async (hash: string) => {
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/${hash}`);
    await page.waitForSelector('body[data-ready]');
  };
  const rowNames = () => page.$$eval('table.entities tbody tr', (rows) => rows.map((r) => r.getAttribute('data-entity-ref')));
  const summary = () => page.textContent('#catalog-summary');

  it('browses the catalog', async () => {
    await go('#/catalog');
    await page.waitForSelector('table.entities tbody tr');
    expect(await page.textContent('h1')).toBe('Software catalog');
    const total = Number((await summary())?.split(' ')[0]);
    expect(total).toBeGreaterThanOrEqual(80);
    expect(await rowNames()).toHaveLength(20);
    // Kind facet lists every kind of the demo org.
    const kinds = await page.$$eval('[data-facet="kind"] input', (els) => els.map((e) => (e as HTMLInputElement).value));
    expect(kinds).toEqual(expect.arrayContaining(['component', 'api', 'group', 'user', 'system', 'domain', 'resource', 'template']));
    await shot('01-catalog');
  });

  it('filters by the kind facet and by text', async () => {
    await go('#/catalog');
    await page.click('#clear-filters');
    await page.check('[data-facet="kind"] input[value="api"]');
    await page.waitForFunction(() => document.querySelector('#catalog-summary')?.textContent === '11 entities');
    const refs = await rowNames();
    expect(refs).toHaveLength(11);
    expect(refs.every((r) => r?.startsWith('api:'))).toBe(true);
    // Same facet: any of; another facet: all of.
    await page.check('[data-facet="kind"] input[value="resource"]');
    // Two of the Resources come from the demo inventory provider (src/demo-inventory.ts).
    await page.waitForFunction(() => document.querySelector('#catalog-summary')?.textContent === '21 entities');
    await page.check('[data-facet="spec.owner"] input[value="team-payments"]');
    await page.waitForFunction(() => document.querySelector('#catalog-summary')?.textContent === '4 entities');
    expect((await rowNames()).sort()).toEqual(['api:default/checkout-api', 'api:default/payment-events', 'api:default/payments-api', 'resource:default/payments-db']);
    await shot('02-catalog-filtered');
    await page.click('#clear-filters');
    await page.fill('#catalog-text', 'dhl');
    await page.waitForFunction(() => document.querySelector('#catalog-summary')?.textContent === '1 entity');
    expect(await rowNames()).toEqual(['component:default/carrier-adapter-dhl']);
    await page.fill('#catalog-text', '');
  });

  it('paginates with cursors', async () => {
    await go('#/catalog');
    await page.click('#clear-filters');
    await page.check('[data-facet="kind"] input[value="component"]');
    await page.waitForFunction(() => document.querySelector('#catalog-summary')?.textContent === '33 entities');
    const first = await rowNames();
    expect(first).toHaveLength(20);
    expect(await page.isDisabled('#prev-page')).toBe(true);
    await page.click('#next-page');
    await page.waitForFunction((f) => document.querySelector('table.entities tbody tr')?.getAttribute('data-entity-ref') !== f, first[0]);
    const second = await rowNames();
    expect(second).toHaveLength(13);
    expect(second.some((r) => first.includes(r))).toBe(false);
    expect([...first, ...second].map((r) => r!.split('/')[1])).toEqual([...first, ...second].map((r) => r!.split('/')[1]).sort());
    expect(await page.isDisabled('#next-page')).toBe(true);
    await shot('03-catalog-page-2');
    await page.click('#prev-page');
    await page.waitForFunction((f) => document.querySelector('table.entities tbody tr')?.getAttribute('data-entity-ref') === f, first[0]);
    await page.click('#clear-filters');
  });

  it('opens an entity and shows grouped relations and a clickable graph', async () => {
    await go('#/catalog');
    await page.fill('#catalog-text', 'checkout-service');
    await page.click('a.entity-link:text-is("checkout-service")');
    await page.waitForSelector('#relations');
    expect(await page.textContent('#entity-title')).toBe('checkout-service');
    const group = (type: string) => page.$$eval(`[data-relation="${type}"] li a`, (as) => as.map((a) => a.textContent));
    expect(await group('ownedBy')).toEqual(['team-payments']);
    expect(await group('partOf')).toEqual(['payments']);
    expect(await group('providesApi')).toEqual(['checkout-api']);
    expect(await group('consumesApi')).toEqual(['cart-api', 'inventory-api', 'orders-api', 'payments-api']);
    expect(await group('dependsOn')).toEqual(['order-service', 'payments-gateway']);
    // Two hops (POST /entities/graph): its 9 related entities, and theirs further out, e.g. the
    // payments team's members, reached through ownedBy then hasMember.
    await page.waitForSelector('svg.graph.two-hop');
    expect(await page.$$eval('svg.graph a.graph-link.hop-1', (as) => as.length)).toBe(9);
    const secondHop = await page.$$eval('svg.graph a.graph-link.hop-2', (as) => as.map((a) => a.getAttribute('href')));
    expect(secondHop).toEqual(expect.arrayContaining(['#/entity/user/default/alan.turing', '#/entity/group/default/engineering']));
    expect(secondHop).not.toContain('#/entity/component/default/checkout-service');
    // The Production readiness scorecard (data/scorecards/) rates it gold.
    const badge = await page.waitForSelector('#scorecard-badges .scorecard-badge[data-scorecard="scorecard:default/production-readiness"]');
    expect(await badge.getAttribute('data-level')).toBe('gold');
    expect(await badge.textContent()).toBe('Production readiness: Gold · 100%');
    await shot('04-entity');
    await page.click('svg.graph a.graph-link[href="#/entity/group/default/team-payments"]');
    await page.waitForFunction(() => document.querySelector('#entity-title')?.textContent === 'team-payments');
    expect(await group('hasMember')).toEqual(['alan.turing', 'katherine.johnson']);
    expect(await group('childOf')).toEqual(['engineering']);
    expect(await group('ownerOf')).toContain('payments-gateway');
    await shot('05-group');
  });

  it('shows the scorecards overview: entities per level and the worst offenders', async () => {
    await go('#/scorecards');
    const section = 'section.scorecard[data-scorecard="scorecard:default/production-readiness"]';
    await page.waitForSelector(section);
    expect(await page.textContent(`${section} h2`)).toBe('Production readiness');
    const levels = await page.$$eval(`${section} table.scorecard-levels tbody tr`, (rows) =>
      rows.map((r) => [r.getAttribute('data-level'), Number(r.lastElementChild?.textContent)]),
    );
    expect(levels.map(([id]) => id)).toEqual(['bronze', 'silver', 'gold', '']);
    const rated = Number((await page.textContent(`${section} .summary`))?.split(' ')[0]);
    expect(rated).toBeGreaterThanOrEqual(32);
    expect(levels.reduce((sum, [, n]) => sum + (n as number), 0)).toBe(rated);
    const worst = await page.$$eval(`${section} table.scorecard-worst tbody tr`, (rows) => rows.map((r) => r.getAttribute('data-entity-ref')));
    expect(worst.length).toBeGreaterThan(0);
    await shot('04b-scorecards');
    // A worst offender links to its entity page, which shows its badge.
    await page.click(`${section} table.scorecard-worst tbody tr a`);
    await page.waitForSelector(`#scorecard-badges .scorecard-badge[data-scorecard="scorecard:default/production-readiness"]`);
    expect(await page.textContent('#entity-title')).toBe(worst[0]!.split('/')[1]);
  });

  it('runs a template (signed in) and the new component appears in the catalog', async () => {
    // Only signed-in users may run templates (the example portal's policy).
    await go('#/create');
    expect(await page.getAttribute('[data-template="create-nodejs-service"]', 'data-runnable')).toBe('false');
    if (!issuer) issuer = (await (await fetch(`${baseUrl}/api/auth/config`)).json()).issuer as string;
    await signInThroughProvider(page, { baseUrl, issuer, login: 'katherine.johnson', password: DEMO_PASSWORD, displayName: 'Katherine Johnson' });
    await go('#/create');
    await page.click('[data-template="create-nodejs-service"] a.button');
    await page.waitForSelector('form.step-form[data-step="0"]');
    // Required fields are enforced before moving on.
    await page.click('#next-step');
    expect(await page.textContent('[data-field="name"] .field-error')).toContain('is required');
    await page.fill('#f0-name', 'Bad Name');
    await page.selectOption('#f0-owner', 'team-tracking');
    await page.click('#next-step');
    expect(await page.textContent('[data-field="name"] .field-error')).toContain('must match pattern');
    await page.fill('#f0-name', 'parcel-router');
    await page.fill('#f0-description', 'Routes parcels to the cheapest carrier.');
    await shot('06-template-step-1');
    await page.click('#next-step');
    await page.waitForSelector('form.step-form[data-step="1"]');
    expect(await page.inputValue('#f1-port')).toBe('8080');
    await page.fill('#f1-port', '9090');
    await page.click('#next-step');
    await page.waitForSelector('#create-button');
    await shot('07-template-review');
    await page.click('#create-button');
    await page.waitForSelector('#task-log');
    await page.waitForFunction(() => ['completed', 'failed'].includes(document.querySelector('#task-status')?.textContent ?? ''), null, { timeout: 60_000 });
    await shot('08-task');
    expect(await page.textContent('#task-status')).toBe('completed');
    expect(await page.textContent('#task-log')).toContain('register');
    await page.click('#task-output [data-output-entity]');
    await page.waitForFunction(() => document.querySelector('#entity-title')?.textContent === 'parcel-router');
    expect(await page.$$eval('[data-relation="ownedBy"] li a', (as) => as.map((a) => a.textContent))).toEqual(['team-tracking']);
    await go('#/catalog');
    await page.fill('#catalog-text', 'parcel-router');
    await page.waitForFunction(() => document.querySelector('table.entities tbody tr')?.getAttribute('data-entity-ref') === 'component:default/parcel-router');
    await shot('09-catalog-new-component');
    await page.fill('#catalog-text', '');
    await page.click('#sign-out');
    await page.waitForFunction(() => document.querySelector('#signed-in-user')?.textContent === 'Not signed in');
  });

  it('opens docs, navigates inside them and searches', async () => {
    await go('#/docs');
    await page.click('[data-docs="checkout-service"] h2 a');
    await page.waitForSelector('#docs-content h1');
    expect(await page.textContent('#docs-content h1')).toContain('Checkout Service');
    expect(await page.$$eval('#docs-content table', (t) => t.length)).toBeGreaterThan(0);
    expect(await page.$$eval('#docs-content .admonition', (t) => t.length)).toBeGreaterThan(0);
    await shot('10-docs-home');
    await page.click('.docs-nav a:text-is("Configuration")');
    await page.waitForFunction(() => document.querySelector('#docs-content h1')?.textContent?.includes('Configuration'));
    expect(page.url()).toContain('#/docs/default/component/checkout-service/guides/configuration');
    // A relative link inside the page content stays inside the viewer.
    await go('#/docs/default/component/checkout-service/');
    await page.click('#docs-content a:text-is("Getting started")');
    await page.waitForFunction(() => document.querySelector('#docs-content h1')?.textContent?.includes('Getting started'));
    await page.fill('#docs-search', 'reservation');
    await page.press('#docs-search', 'Enter');
    await page.waitForSelector('#docs-search-results li a');
    const hits = await page.$$eval('#docs-search-results li a', (as) => as.map((a) => a.textContent));
    expect(hits.some((t) => t?.includes('Configuration'))).toBe(true);
    await shot('11-docs-search');
    await page.click('#docs-search-results li a >> nth=0');
    await page.waitForFunction(() => !document.querySelector('#docs-content h1')?.textContent?.includes('Getting started'));
  });

  it('searches the whole portal', async () => {
    await go('#/catalog');
    await page.fill('#global-search input', 'payments');
    await page.press('#global-search input', 'Enter');
    await page.waitForSelector('#search-summary');
    await page.waitForSelector('.search-group li a');
    const types = await page.$$eval('.search-group', (els) => els.map((e) => e.getAttribute('data-type')));
    expect(types).toContain('software-catalog');
    await shot('12-search');
  });

  it('never renders entity data as HTML', async () => {
    await go('#/catalog');
    // Passed as source text: the test runner would rewrite a dynamic import() in a function.
    const result = await page.evaluate(`(async () => {
      const { h } = await import('/js/dom.js');
      const { sanitize } = await import('/js/sanitize.js');
      const el = h('div', null, '<img src=x onerror="window.__pwned=1">');
      const dirty = new DOMParser().parseFromString('<p>ok<script>window.__pwned=1</script><img src="x" onerror="window.__pwned=1"><a href="javascript:alert(1)">x</a></p>', 'text/html');
      const clean = document.createElement('div');
      clean.append(sanitize(dirty.body));
      return { text: el.innerHTML, clean: clean.innerHTML, link: h('a', { href: 'javascript:alert(1)' }).getAttribute('href'), pwned: window.__pwned ?? 0 };
    })()`) as { text: string; clean: string; link: string; pwned: number };
    expect(result.text).toBe('&lt;img src=x onerror="window.__pwned=1"&gt;');
    expect(result.clean).toBe('<p>ok<img src="x"><a>x</a></p>');
    expect(result.link).toBe('#');
    expect(result.pwned).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
