import { createCatalog } from '@portalkit/catalog';
import { createLogger } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import { createTechDocs, memoryPublisher, resolveDocsLocation, type TechDocsEntity } from '@portalkit/techdocs';
import { type GitServer, startGitServer } from '@portalkit/testing';
import { gitIntegrations } from './git-integrations.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ level: 'error' });

const component = (name: string, techdocsRef: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: ${techdocsRef}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

describe('techdocs: docs of entities registered from a host, read with readTree (real git server)', () => {
  let server: GitServer;
  let integrations: ScmIntegrations;
  let repo: string;

  beforeAll(async () => {
    server = await startGitServer({ auth: { username: 'docs', password: 'docs-pass' } });
    integrations = gitIntegrations(server, { username: 'docs', password: 'docs-pass' });
    repo = `${server.baseUrl}/acme/handbook.git`;
    await server.createRepo('acme/handbook', {
      'catalog-info.yaml': component('handbook', 'dir:.'),
      'mkdocs.yml': 'site_name: Handbook\nnav:\n  - Home: index.md\n',
      'docs/index.md': '# Handbook\n\nRead from the git server.\n',
      'services/billing/catalog-info.yaml': component('billing', 'dir:.'),
      'services/billing/mkdocs.yml': 'site_name: Billing\n',
      'services/billing/docs/index.md': '# Billing docs\n',
      'services/remote/catalog-info.yaml': component('remote', `url:${server.baseUrl}/acme/handbook.git/tree/main/services/billing`),
      'services/escape/catalog-info.yaml': component('escape', 'dir:../../..'),
    });
  });
  afterAll(async () => server?.close());

  const entityFromCatalog = async (path: string, ref: string): Promise<TechDocsEntity> => {
    const catalog = createCatalog({ integrations });
    await catalog.addLocation({ type: 'url', target: `${repo}/blob/main/${path}` });
    const entity = await catalog.getEntityByRef(ref);
    if (!entity) throw new Error(`${ref} was not ingested: ${JSON.stringify(await catalog.getProcessingErrors())}`);
    return entity as TechDocsEntity;
  };

  it('builds and serves dir:. of an entity read from the repository root and from a subdirectory', async () => {
    const entities = new Map<string, TechDocsEntity>();
    const techdocs = createTechDocs({ publisher: memoryPublisher(), integrations, logger, getEntity: (name) => entities.get(name.name) });
    const handbook = await entityFromCatalog('catalog-info.yaml', 'component:default/handbook');
    expect(resolveDocsLocation(handbook, { integrations })).toEqual({ type: 'url', target: `${repo}/tree/main` });
    await techdocs.build(handbook);
    const page = await techdocs.request('/static/docs/default/component/handbook/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Read from the git server.');

    const billing = await entityFromCatalog('services/billing/catalog-info.yaml', 'component:default/billing');
    expect(resolveDocsLocation(billing, { integrations })).toEqual({ type: 'url', target: `${repo}/tree/main/services/billing` });
    entities.set('billing', billing);
    await techdocs.build(billing);
    expect(await (await techdocs.request('/static/docs/default/component/billing/index.html')).text()).toContain('Billing docs');
    // The metadata route names the tree URL the docs come from.
    const meta = await (await techdocs.request('/metadata/entity/default/component/billing')).json();
    expect(meta.locationMetadata).toEqual({ type: 'url', target: `${repo}/tree/main/services/billing` });
  });

  it('reads url:<tree URL> refs through the integration; a newer commit is picked up by sync', async () => {
    const techdocs = createTechDocs({ publisher: memoryPublisher(), integrations, logger });
    const remote = await entityFromCatalog('services/remote/catalog-info.yaml', 'component:default/remote');
    expect((await techdocs.sync(remote)).updated).toBe(true);
    expect(await (await techdocs.request('/static/docs/default/component/remote/index.html')).text()).toContain('Billing docs');
    await server.commit('acme/handbook', { 'services/billing/docs/index.md': '# Billing docs v2\n' });
    expect((await techdocs.sync(remote)).updated).toBe(true);
    expect(await (await techdocs.request('/static/docs/default/component/remote/index.html')).text()).toContain('Billing docs v2');
  });

  it('refuses a dir: ref leaving the repository, and hosts that are not configured', async () => {
    const techdocs = createTechDocs({ publisher: memoryPublisher(), integrations, logger });
    const escape = await entityFromCatalog('services/escape/catalog-info.yaml', 'component:default/escape');
    await expect(techdocs.build(escape)).rejects.toMatchObject({ name: 'InputError' });
    const foreign: TechDocsEntity = {
      kind: 'Component',
      metadata: { name: 'foreign', annotations: { 'backstage.io/techdocs-ref': 'url:https://unconfigured.example/acme/x.git/tree/main/' } },
    };
    await expect(techdocs.build(foreign)).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});
