import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openPortalInBrowser, type PortalInBrowser } from '../../../test/support/example-portal-browser.js';

const run = hasChromium('the docs versions browser test');

describe.skipIf(!run)('the example portal switches between versions of one docs site', () => {
  let portal: PortalInBrowser;
  beforeAll(async () => {
    portal = await openPortalInBrowser();
    // A named version of checkout-service's docs, as a release pipeline would build it.
    const entity = await portal.example.catalog.getEntityByRef('component:default/checkout-service');
    await portal.example.techdocs.build(entity!, { version: 'v1.0' });
  }, 120_000);
  afterAll(async () => {
    await portal?.close();
  });

  it('lists the versions, opens the same page in another version, and comes back to latest', async () => {
    const { page, go, requests } = portal;
    await go('#/docs/default/component/checkout-service/guides/configuration/');
    await page.waitForSelector('#docs-version');
    expect(await page.$$eval('#docs-version option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['latest', 'v1.0']);
    expect(await page.inputValue('#docs-version')).toBe('latest');

    await page.selectOption('#docs-version', 'v1.0');
    await page.waitForFunction(() => location.hash.includes('/.versions/v1.0/'));
    expect(page.url()).toContain('#/docs/default/component/checkout-service/.versions/v1.0/guides/configuration/');
    await page.waitForFunction(() => document.querySelector('#docs-content h1')?.textContent?.includes('Configuration'));
    expect(requests.some((u) => u.includes('/api/techdocs/static/docs/default/component/checkout-service/.versions/v1.0/guides/configuration/index.html'))).toBe(true);
    expect(await page.inputValue('#docs-version')).toBe('v1.0');
    // Links inside the version stay inside it.
    const hrefs = await page.$$eval('.docs-nav a[href]', (as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.every((href) => href!.includes('/.versions/v1.0/'))).toBe(true);

    await page.selectOption('#docs-version', 'latest');
    await page.waitForFunction(() => !location.hash.includes('.versions'));
    expect(page.url()).toContain('#/docs/default/component/checkout-service/guides/configuration/');
  });

  it('shows no switch for a site without versions', async () => {
    const { page, go } = portal;
    const items = (await portal.example.catalog.getEntities()).items.filter(
      (e) => e.metadata.annotations?.['backstage.io/techdocs-ref'] && e.metadata.name !== 'checkout-service',
    );
    expect(items.length).toBeGreaterThan(0);
    const other = items[0]!;
    const metadata = page.waitForResponse((r) => r.url().includes(`/api/techdocs/metadata/techdocs/`) && r.url().endsWith(`/${other.metadata.name}`));
    await go(`#/docs/${other.metadata.namespace ?? 'default'}/${other.kind.toLowerCase()}/${other.metadata.name}/`);
    expect(((await (await metadata).json()) as { versions: string[] }).versions).toEqual([]);
    await page.waitForSelector('#docs-content h1, #docs-content .notice');
    expect(await page.$('#docs-version')).toBeNull();
  });
});
