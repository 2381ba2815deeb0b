import { createCatalog } from '@portalkit/catalog';
import { createIntegrations, type ScmIntegrations } from '@portalkit/integrations';
import { type GitServer, startGitServer } from '@portalkit/testing';
import { gitIntegrations } from './git-integrations.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const component = (name: string, extra = '') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${extra}spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

describe('catalog: url locations, globs, placeholders and annotations through the integrations (real git server)', () => {
  let server: GitServer;
  let integrations: ScmIntegrations;
  let repo: string;

  beforeAll(async () => {
    server = await startGitServer({ auth: { username: 'portal', password: 's3cret-pass' } });
    integrations = gitIntegrations(server, { username: 'portal', password: 's3cret-pass' });
    repo = `${server.baseUrl}/acme/web.git`;
    await server.createRepo('acme/web', {
      'catalog-info.yaml': component('web', '  annotations:\n    backstage.io/edit-url: https://edit.example/web\n'),
      'services/api/catalog-info.yaml': component('api', '  description:\n    $text: ./DESCRIPTION.txt\n'),
      'services/api/DESCRIPTION.txt': 'the API service',
      'services/api/openapi.json': '{"openapi":"3.0.0"}',
      'services/worker/catalog-info.yaml': component('worker'),
      'all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets:\n    - ./services/worker/catalog-info.yaml\n    - /catalog-info.yaml\n',
      'escape.yaml': component('escape', '  description:\n    $text: ../../other/secret.txt\n'),
      'leave.yaml': component('leave', '  description:\n    $text: https://example.com/x.txt\n'),
      'apis/catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: web-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: ../services/api/openapi.json\n',
    });
  });
  afterAll(async () => server?.close());

  it('reads a blob URL and derives view/edit/source-location without overwriting the YAML', async () => {
    const catalog = createCatalog({ integrations });
    const url = `${repo}/blob/main/catalog-info.yaml`;
    const { entities } = await catalog.addLocation({ type: 'url', target: url });
    expect(entities.filter((e) => e.kind !== 'Location').map((e) => e.metadata.name)).toEqual(['web']);
    const web = await catalog.getEntityByRef('component:default/web');
    expect(web?.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${url}`,
      'backstage.io/view-url': url,
      'backstage.io/edit-url': 'https://edit.example/web',
      'backstage.io/source-location': `url:${repo}/tree/main`,
    });
    // The reads went over HTTP to the server, authorized.
    expect(await catalog.getProcessingErrors()).toEqual([]);
  });

  it('reads a glob URL through search, each entity located at its own file, with placeholders resolved in the repository', async () => {
    const catalog = createCatalog({ integrations });
    const { entities } = await catalog.addLocation({ type: 'url', target: `${repo}/blob/main/services/**/catalog-info.yaml` });
    expect(entities.filter((e) => e.kind !== 'Location').map((e) => e.metadata.name).sort()).toEqual(['api', 'worker']);
    const api = await catalog.getEntityByRef('component:default/api');
    expect(api?.metadata.description).toBe('the API service');
    expect(api?.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${repo}/blob/main/services/api/catalog-info.yaml`,
      'backstage.io/source-location': `url:${repo}/tree/main/services/api`,
    });
  });

  it('resolves relative Location targets (and repository-root ones) and $json placeholders with ..', async () => {
    const catalog = createCatalog({ integrations });
    await catalog.addLocation({ type: 'url', target: `${repo}/blob/main/all.yaml` });
    await catalog.addLocation({ type: 'url', target: `${repo}/blob/main/apis/catalog-info.yaml` });
    const names = (await catalog.getEntities()).items.map((e) => e.metadata.name).sort();
    expect(names).toEqual(expect.arrayContaining(['web', 'worker', 'web-api']));
    const worker = await catalog.getEntityByRef('component:default/worker');
    expect(worker?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:${repo}/blob/main/services/worker/catalog-info.yaml`);
    const api = await catalog.getEntityByRef('api:default/web-api');
    expect(api?.spec?.definition).toBe('{"openapi":"3.0.0"}');
  });

  it('refuses placeholders leaving the repository or the host, with the file and line', async () => {
    const catalog = createCatalog({ integrations });
    await catalog.addLocation({ type: 'url', target: `${repo}/blob/main/escape.yaml` });
    await catalog.addLocation({ type: 'url', target: `${repo}/blob/main/leave.yaml` });
    const reports = await catalog.getProcessingErrors();
    const byRef = Object.fromEntries(reports.map((r) => [r.entityRef, r.errors]));
    expect(byRef['component:default/escape']?.[0]).toMatchObject({ name: 'InputError', path: 'metadata.description', line: 5 });
    expect(byRef['component:default/leave']?.[0]).toMatchObject({ name: 'NotAllowedError', path: 'metadata.description', line: 5 });
    expect(await catalog.getEntityByRef('component:default/escape')).toBeUndefined();
  });

  it('an unconfigured host stays a NotAllowedError at the Location file:line; allowedLocationTypes still applies', async () => {
    await server.commit('acme/web', {
      'elsewhere.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: elsewhere\nspec:\n  type: url\n  target: https://unconfigured.example/acme/x/blob/main/catalog-info.yaml\n',
    });
    const catalog = createCatalog({ integrations });
    await catalog.addLocation({ type: 'url', target: `${repo}/blob/main/elsewhere.yaml` });
    const reports = await catalog.getProcessingErrors();
    const errors = reports.find((r) => r.entityRef === 'location:default/elsewhere')?.errors;
    const file = `${repo}/blob/main/elsewhere.yaml`;
    expect(errors?.[0]).toMatchObject({ name: 'NotAllowedError', file, line: 7, path: 'spec.target' });
    expect(errors?.[0]?.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7: .*unconfigured\\.example`));

    const restricted = createCatalog({ integrations, allowedLocationTypes: ['file'] });
    const view = restricted.forPrincipal({ type: 'user', userEntityRef: 'user:default/jo', ownershipEntityRefs: [] } as never);
    await expect(view.addLocation({ type: 'url', target: `${repo}/blob/main/catalog-info.yaml` })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('the reader option reads the URLs no integration serves; without either the URL is a NotAllowedError', async () => {
    const other = 'https://other.example/catalog-info.yaml';
    const reader = {
      canRead: (url: string) => url === other,
      read: async () => ({ buffer: Buffer.from(component('other')), etag: '1' }),
      readTree: async () => {
        throw new Error('unused');
      },
    };
    const catalog = createCatalog({ integrations, reader });
    await catalog.addLocation({ type: 'url', target: other });
    await catalog.addLocation({ type: 'url', target: `${repo}/blob/main/catalog-info.yaml` });
    expect(await catalog.getEntityByRef('component:default/other')).toBeDefined();
    expect(await catalog.getEntityByRef('component:default/web')).toBeDefined();

    const bare = createCatalog({ integrations: createIntegrations({}) });
    await bare.addLocation({ type: 'url', target: `${repo}/blob/main/catalog-info.yaml` });
    const [report] = await bare.getProcessingErrors();
    expect(report?.errors[0]).toMatchObject({ name: 'NotAllowedError', file: `${repo}/blob/main/catalog-info.yaml` });
    expect(JSON.stringify(report)).not.toContain('s3cret-pass');
  });
});
