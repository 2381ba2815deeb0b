// The example portal's docs viewer must never show another site's page, or another origin's,
// under an entity's name: a crafted `#/docs/<ns>/<kind>/<name>/<path>` link with `..`, `%2e%2e`,
// empty segments or encoded separators is refused before anything is fetched, links inside a
// docs page are rewritten only to routes that name their own site, and the server refuses
// non-canonical docs paths. Runs the real portal in Chromium; skipped without Chromium.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openPortalInBrowser, type PortalInBrowser } from '../support/example-portal-browser.js';

const SITE = '/api/techdocs/static/docs/default/component/checkout-service/';
const OTHER = '/api/techdocs/static/docs/default/component/payments-gateway/';

/** A GET with the path sent byte for byte (fetch and Request would normalise it first). */
function rawGet(baseUrl: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!hasChromium('portal docs link tests'))('example portal docs links', () => {
  let portal: PortalInBrowser;
  let otherPage: string;

  beforeAll(async () => {
    portal = await openPortalInBrowser();
    otherPage = await (await portal.example.portal.request(`${OTHER}index.html`)).text();
    expect(otherPage).toContain('<h1');
  }, 120_000);
  afterAll(async () => {
    await portal?.close();
  });

  describe('server: the docs route through the portal handler', () => {
    it.each([
      `${SITE}..%2f..%2fpayments-gateway/index.html`,
      `${SITE}..%5c..%5cpayments-gateway/index.html`,
      `${SITE}%2F%2Fevil.example/index.html`,
      `${SITE}%252e%252e/%252e%252e/payments-gateway/index.html`,
      `${SITE}guides//configuration/index.html`,
      `${SITE.slice(0, -1)}//index.html`,
      '/api/techdocs/static/docs/default//checkout-service/index.html',
    ])('refuses %s with a 4xx and never serves another page', async (path) => {
      for (const res of [await portal.example.portal.request(path), await rawGet(portal.baseUrl, path)]) {
        const status = res.status;
        const body = res instanceof Response ? await res.text() : res.body;
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(body).not.toContain('<h1');
        expect(body).not.toBe(otherPage);
      }
    });

    it('still serves the canonical spelling of a page', async () => {
      const res = await portal.example.portal.request(`${SITE}guides/configuration/index.html`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Configuration');
    });
  });

  describe('client: crafted docs routes', () => {
    it.each([
      '#/docs/default/component/checkout-service/../../payments-gateway/',
      '#/docs/default/component/checkout-service/%2e%2e/%2e%2e/component/payments-gateway/',
      '#/docs/default/component/checkout-service/..%2F..%2Fpayments-gateway/',
      '#/docs/default/component/checkout-service/%2F%2Fevil.example%2Fx',
      '#/docs/default/component/checkout-service//evil.example/x',
      '#/docs/default/component/checkout-service/%5C%5Cevil.example%5Cx',
      '#/docs/default/component/checkout-service/guides//configuration/',
      '#/docs/default/component/checkout-service/./index.html',
      '#/docs/default/component/%2e%2e/payments-gateway/',
      '#/docs/default/component/../component/payments-gateway/',
      '#/docs/default//checkout-service/',
    ])('refuses %s without fetching anything from TechDocs', async (hash) => {
      await portal.go(hash);
      expect(await portal.page.textContent('.notice-error')).toContain('Not a valid docs link');
      expect(await portal.page.$('#docs-content')).toBeNull();
      const fetched = portal.requests.map((u) => new URL(u));
      expect(fetched.filter((u) => u.origin !== new URL(portal.baseUrl).origin)).toEqual([]);
      expect(fetched.filter((u) => u.pathname.startsWith('/api/techdocs/')).map((u) => u.pathname)).toEqual([]);
    });

    it('shows a real page, fetching only below its own site', async () => {
      await portal.go('#/docs/default/component/checkout-service/guides/configuration/');
      await portal.page.waitForFunction(() => document.querySelector('#docs-content h1')?.textContent?.includes('Configuration'));
      const docs = portal.requests.map((u) => new URL(u).pathname).filter((p) => p.startsWith('/api/techdocs/static/'));
      expect(docs.length).toBeGreaterThan(0);
      for (const p of docs) expect(p.startsWith(SITE)).toBe(true);
    });
  });

  describe('client: links inside a docs page', () => {
    it('rewrites links to routes of their own site only, and unlinks anything else on the portal', async () => {
      const hostile = [
        '<article><h1>Hostile page</h1>',
        '<a id="dotdot-encoded" href="..%2f..%2fpayments-gateway/">a</a>',
        '<a id="empty" href="guides//configuration/">b</a>',
        '<a id="other-site" href="../payments-gateway/">c</a>',
        '<a id="api" href="/api/catalog/entities">d</a>',
        '<a id="own" href="guides/configuration/">e</a>',
        '<a id="protocol-relative" href="//evil.example/x">f</a>',
        '<a id="encoded-slashes" href="%2F%2Fevil.example/x">g</a>',
        '<a id="backslashes" href="..%5c..%5cpayments-gateway/">h</a>',
        '</article>',
      ].join('\n');
      await portal.page.route(`**${SITE}index.html`, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', body: hostile }),
      );
      try {
        await portal.go('#/docs/default/component/checkout-service/');
        await portal.page.waitForSelector('#docs-content #doc-own');
        const hrefs = await portal.page.$$eval('#docs-content a', (as) => Object.fromEntries(as.map((a) => [a.id, a.getAttribute('href')])));
        expect(hrefs).toEqual({
          'doc-dotdot-encoded': null,
          'doc-empty': null,
          // Another site's page is fine, under that site's own name.
          'doc-other-site': '#/docs/default/component/payments-gateway/',
          'doc-api': null,
          'doc-own': '#/docs/default/component/checkout-service/guides/configuration/',
          // An ordinary link to another website, like an https:// one.
          'doc-protocol-relative': '//evil.example/x',
          'doc-encoded-slashes': null,
          'doc-backslashes': null,
        });
      } finally {
        await portal.page.unroute(`**${SITE}index.html`);
      }
    });
  });
});
