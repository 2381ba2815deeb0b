// The example portal in Chromium: every response carries anti-framing, nosniff, referrer and
// CSP headers and the portal still renders under its CSP; another origin cannot frame it; an
// entity's `metadata.links` that the catalog accepts as Backstage does (`javascript:`, `data:`)
// are never rendered as links; search highlights are shown as text with <mark>s, never as HTML.
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasChromium, openPortalInBrowser, type PortalInBrowser } from '../support/example-portal-browser.js';

const screenshots = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

const hostileEntity = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: hostile-links
  description: "<img src=x onerror=window.__pwned=1> zebrafish & friends"
  links:
    - url: "javascript:window.__pwned=2"
      title: Runbook
    - url: "JaVaScRiPt:window.__pwned=3"
    - url: "\\tjavascript:window.__pwned=4"
    - url: "data:text/html,<script>window.__pwned=5</script>"
    - url: "vbscript:msgbox(1)"
    - url: "https://example.com/ok"
      title: Dashboard
    - url: "mailto:team@example.com"
spec:
  type: service
  lifecycle: production
  owner: team-payments
`;

describe.skipIf(!hasChromium('portal header and link tests'))('example portal headers, framing and entity links', () => {
  let portal: PortalInBrowser;
  const violations: string[] = [];

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    portal = await openPortalInBrowser();
    const dir = path.join(portal.stateDir, 'hostile');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'catalog-info.yaml'), hostileEntity);
    const added = await portal.example.catalog.addLocation({ type: 'file', target: path.join(dir, 'catalog-info.yaml') });
    expect(added.entities.map((e) => e.metadata.name)).toContain('hostile-links');
    await portal.page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI} ${new URL(e.sourceFile || 'about:blank').pathname}`);
      });
    });
    portal.page.on('dialog', (dialog) => {
      violations.push(`dialog: ${dialog.message()}`);
      return dialog.dismiss();
    });
  }, 120_000);
  afterAll(async () => {
    await portal?.close();
  });

  // The docs viewer parses a built page (with the theme's <style>) into an inert document to
  // sanitise it; Chromium reports that document's styles as blocked, which is the CSP at work,
  // not a part of the portal failing. Anything else the policy blocks is a failure.
  const cspViolations = async () =>
    (await portal.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).filter(
      (v) => !/^style-src-(elem|attr) inline \/js\/docs\.js$/.test(v),
    );

  it('sends framing, sniffing, referrer and CSP headers on every kind of response', async () => {
    for (const p of [
      '/',
      '/js/app.js',
      '/api/catalog/entities?limit=1',
      '/api/catalog/entities/by-name/component/default/nope',
      '/api/techdocs/static/docs/default/component/checkout-service/index.html',
      '/api/search/query?term=payments',
      '/no-such-file',
    ]) {
      const res = await fetch(`${portal.baseUrl}${p}`);
      await res.arrayBuffer();
      expect(res.headers.get('x-frame-options'), p).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), p).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).toContain("script-src 'self'");
      expect(csp, p).toContain("object-src 'none'");
      expect(csp, p).toContain("base-uri 'none'");
    }
    // TechDocs' own sandbox policy on built HTML is kept beside the portal's.
    const docs = await fetch(`${portal.baseUrl}/api/techdocs/static/docs/default/component/checkout-service/index.html`);
    // Two policies, comma-separated, both enforced: TechDocs' sandbox one first, then the portal's.
    expect(docs.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'[^,]*, default-src 'self'; /);
  });

  it('renders every page under its CSP without a violation', async () => {
    const pages: [string, string][] = [
      ['#/catalog', 'table.entities tbody tr'],
      ['#/entity/component/default/checkout-service', '#relations'],
      ['#/docs/default/component/checkout-service/', '#docs-content h1'],
      ['#/create', '[data-template]'],
      ['#/scorecards', 'section.scorecard'],
      ['#/search?q=payments', '.search-group li a'],
    ];
    for (const [hash, selector] of pages) {
      await portal.go(hash);
      await portal.page.waitForSelector(selector);
      expect(await cspViolations(), hash).toEqual([]);
    }
    await portal.go('#/entity/component/default/checkout-service');
    await portal.page.waitForSelector('svg.graph a.graph-link');
    await portal.page.screenshot({ path: path.join(screenshots, 'security-csp-entity.png'), fullPage: true });
    await portal.go('#/docs/default/component/checkout-service/');
    await portal.page.waitForSelector('#docs-content h1');
    await portal.page.screenshot({ path: path.join(screenshots, 'security-csp-docs.png'), fullPage: true });
    expect(await cspViolations()).toEqual([]);
  });

  it('cannot be framed by another origin', async () => {
    const framer: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><p>evil</p><iframe id="victim" src="${portal.baseUrl}/#/catalog" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    const page = await portal.browser.newPage();
    try {
      const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors|X-Frame-Options/i.test(m.text()), timeout: 15_000 });
      await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
      expect((await refused).text()).toMatch(/frame-ancestors 'none'|X-Frame-Options/);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(await frame?.$('#app')).toBeFalsy();
    } finally {
      await page.close();
      framer.closeAllConnections();
      await new Promise((resolve) => framer.close(resolve));
    }
  });

  it('never renders a non-http(s)/mailto entity link as a link', async () => {
    await portal.go('#/entity/component/default/hostile-links');
    await portal.page.waitForSelector('ul.links');
    const links = await portal.page.$$eval('ul.links li', (lis) =>
      lis.map((li) => ({ href: li.querySelector('a')?.getAttribute('href') ?? null, text: li.textContent })),
    );
    expect(links).toEqual([
      { href: null, text: 'Runbook: javascript:window.__pwned=2' },
      { href: null, text: 'JaVaScRiPt:window.__pwned=3' },
      { href: null, text: '\tjavascript:window.__pwned=4' },
      { href: null, text: 'data:text/html,<script>window.__pwned=5</script>' },
      { href: null, text: 'vbscript:msgbox(1)' },
      { href: 'https://example.com/ok', text: 'Dashboard' },
      { href: 'mailto:team@example.com', text: 'mailto:team@example.com' },
    ]);
    // Nothing in the page links to a script URL, and nothing ran.
    const hrefs = await portal.page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const href of hrefs) expect(href.replace(/[\u0000-\u0020]/g, '')).not.toMatch(/^(javascript|data|vbscript):/i);
    await portal.page.screenshot({ path: path.join(screenshots, 'security-entity-links.png'), fullPage: true });
    expect(await portal.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull();
    expect(violations).toEqual([]);
    expect(await cspViolations()).toEqual([]);
  });

  it('shows search highlights as text with <mark>s, never as HTML', async () => {
    await vi.waitFor(async () => {
      const res = await portal.example.portal.request('/api/search/query?term=zebrafish');
      const body = (await res.json()) as { results: { highlight?: { fields: Record<string, string> } }[] };
      expect(body.results[0]?.highlight?.fields.text).toContain('&lt;img');
    }, { timeout: 15_000, interval: 100 });
    await portal.go('#/search?q=zebrafish');
    const snippet = await portal.page.waitForSelector('.search-results .search-highlight');
    expect(await snippet.$$eval('mark', (ms) => ms.map((m) => m.textContent))).toEqual(['zebrafish']);
    expect(await snippet.textContent()).toBe('<img src=x onerror=window.__pwned=1> zebrafish & friends');
    expect(await portal.page.$$('.search-results img')).toHaveLength(0);
    await portal.page.screenshot({ path: path.join(screenshots, 'security-search-highlight.png'), fullPage: true });
    expect(await portal.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull();
  });
});
