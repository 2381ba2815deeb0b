// Kinds declared in YAML (an Environment kind with its facet and columns) and the "Change owner"
// write-back, in a real Chromium against the example portal (docs/kind-definitions.md,
// docs/write-back.md).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '@portalkit/core';
import { DEMO_PASSWORD } from '../src/auth/index.js';
import { createExamplePortal, type ExamplePortal } from '../src/portal.js';
import { hasChromium, launchChromium, signInThroughProvider } from './support/browser.js';

describe.skipIf(!hasChromium)('declared kinds and write-back in the example portal', () => {
  let stateDir: string;
  let example: ExamplePortal;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'pk-portal-kw-'));
    example = await createExamplePortal({ stateDir, port: 0, logger: createLogger({ sink: memorySink() }) });
    baseUrl = (await example.listen()).url;
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

  const go = async (hash: string) => {
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/${hash}`);
    await page.waitForSelector('body[data-ready]');
  };
  const aboutOwner = () => page.$$eval('dl.about dt', (dts) => dts.find((dt) => dt.textContent === 'Owner')?.nextElementSibling?.textContent ?? null);

  it('shows a kind declared in YAML with its facet and table columns, and its relations', async () => {
    await go('#/catalog?kind=environment');
    await page.waitForFunction(() => document.querySelector('#catalog-summary')?.textContent === '2 entities');
    const heads = await page.$$eval('table.entities thead th', (ths) => ths.map((th) => th.textContent));
    expect(heads.slice(-2)).toEqual(['Tier', 'Region']);
    const tiers = await page.$$eval('table.entities td[data-column="spec.tier"]', (tds) => tds.map((td) => td.textContent).sort());
    expect(tiers).toEqual(['production', 'staging']);
    const tierFacet = await page.$$eval('[data-facet="spec.tier"] input', (els) => els.map((e) => (e as HTMLInputElement).value).sort());
    expect(tierFacet).toEqual(['production', 'staging']);
    // Other kinds have no such columns.
    await go('#/catalog?kind=api');
    await page.waitForSelector('table.entities tbody tr');
    expect(await page.$$eval('table.entities thead th', (ths) => ths.map((th) => th.textContent))).not.toContain('Tier');
    // The declared relation field: ownedBy team-platform, and the group owns it back.
    await go('#/entity/environment/default/prod-eu');
    await page.waitForSelector('#relations');
    expect(await aboutOwner()).toBe('team-platform');
    expect(await page.textContent('[data-relation="ownedBy"]')).toContain('team-platform');
  });

  it('changes the owner of a provider-owned entity for its owner, refuses others and sources it cannot write', async () => {
    // Signed out: the policy lets only owners update.
    await go('#/entity/resource/default/payments-tokenizer');
    await page.waitForSelector('#change-owner-form');
    await page.fill('#new-owner', 'group:default/team-platform');
    await page.click('#change-owner-submit');
    await page.waitForSelector('#change-owner-status [role="alert"]');
    expect(await page.textContent('#change-owner-status')).toContain('Not allowed');

    const issuer = (await (await fetch(`${baseUrl}/api/auth/config`)).json()).issuer as string;
    await signInThroughProvider(page, { baseUrl, issuer, login: 'katherine.johnson', password: DEMO_PASSWORD, displayName: 'Katherine Johnson' });
    await go('#/entity/resource/default/payments-tokenizer');
    expect(await aboutOwner()).toBe('team-payments');
    await page.fill('#new-owner', 'group:default/team-platform');
    await page.click('#change-owner-submit');
    await page.waitForFunction(() => [...document.querySelectorAll('dl.about dt')].find((dt) => dt.textContent === 'Owner')?.nextElementSibling?.textContent === 'team-platform');
    expect((await example.catalog.getEntityByRef('resource:default/payments-tokenizer'))?.spec?.['owner']).toBe('group:default/team-platform');

    // Someone else's entity: refused.
    await go('#/entity/resource/default/orders-replica');
    await page.fill('#new-owner', 'group:default/team-platform');
    await page.click('#change-owner-submit');
    await page.waitForSelector('#change-owner-status [role="alert"]');
    expect(await page.textContent('#change-owner-status')).toContain('Not allowed');
    // Her team's component read from a file: the catalog cannot write that source back, and says so.
    await go('#/entity/component/default/fraud-detector');
    await page.fill('#new-owner', 'group:default/team-platform');
    await page.click('#change-owner-submit');
    await page.waitForSelector('#change-owner-status [role="alert"]');
    expect(await page.textContent('#change-owner-status')).toContain('comes from a file location');
    // An owner that is not an entity ref is refused before anything is written.
    await page.fill('#new-owner', 'group:default/');
    await page.click('#change-owner-submit');
    await page.waitForFunction(() => document.querySelector('#change-owner-status')?.textContent?.includes('invalid'));
    expect(pageErrors).toEqual([]);
  });
});
