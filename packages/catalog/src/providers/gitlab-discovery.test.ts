import { InputError } from '@portalkit/core';
import { createIntegrations, type ScmIntegrations } from '@portalkit/integrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitlabContractServer, startGitlabContractServer } from '../../../../test/support/contract/gitlab/index.js';
import { createCatalog } from '../create-catalog.js';
import { createGitlabDiscoveryProvider } from './gitlab-discovery.js';

const TOKEN = 'glpat-discovery-secret';
let gitlab: GitlabContractServer;
let integrations: ScmIntegrations;

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

beforeAll(async () => {
  gitlab = await startGitlabContractServer({ token: TOKEN });
  await gitlab.createProject('acme/web', { 'catalog-info.yaml': component('web') }, { topics: ['backstage'] });
  await gitlab.createProject('acme/platform/deep/api', { 'catalog-info.yaml': component('api') }, { topics: ['backstage', 'api'], branch: 'trunk' });
  await gitlab.createProject('acme/platform/no-catalog', { 'README.md': '# none' }, { topics: ['backstage'] });
  await gitlab.createProject('acme/old', { 'catalog-info.yaml': component('old') }, { archived: true, topics: ['backstage'] });
  await gitlab.createProject('other/elsewhere', { 'catalog-info.yaml': component('elsewhere') });
  integrations = createIntegrations({ config: { gitlab: [{ host: gitlab.host, baseUrl: gitlab.baseUrl, token: TOKEN, allowPrivateNetwork: true }] } });
}, 60_000);
afterAll(() => gitlab?.close());

describe('GitLab discovery provider', () => {
  it('emits url locations for the projects of a group and its subgroups holding the catalog file', async () => {
    const provider = createGitlabDiscoveryProvider({ id: 'acme', integrations, config: { host: gitlab.host, group: 'acme' } });
    const catalog = createCatalog({ providers: [provider], reader: integrations.reader });
    await catalog.refresh();
    const { locations } = await provider.run();
    expect(locations.sort()).toEqual([`${gitlab.baseUrl}/acme/platform/deep/api/-/blob/trunk/catalog-info.yaml`, `${gitlab.baseUrl}/acme/web/-/blob/main/catalog-info.yaml`]);
    await catalog.refresh();
    const api = await catalog.getEntityByRef('component:default/api');
    expect(api?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:${gitlab.baseUrl}/acme/platform/deep/api/-/blob/trunk/catalog-info.yaml`);
    expect(await catalog.getEntityByRef('component:default/web')).toBeDefined();
    expect(await catalog.getEntityByRef('component:default/old')).toBeUndefined();
    expect(await catalog.getEntityByRef('component:default/elsewhere')).toBeUndefined();
  });

  it('filters by project pattern, topics, excluded repos and archived state', async () => {
    const run = async (config: Record<string, unknown>) => {
      const provider = createGitlabDiscoveryProvider({ id: 'f', integrations, config: { host: gitlab.host, group: 'acme', ...config } });
      await createCatalog({ providers: [provider], reader: integrations.reader }).refresh();
      return (await provider.run()).locations.map((l) => l.slice(gitlab.baseUrl.length)).sort();
    };
    expect(await run({ projectPattern: '^acme/platform/' })).toEqual(['/acme/platform/deep/api/-/blob/trunk/catalog-info.yaml']);
    expect(await run({ topics: 'api' })).toEqual(['/acme/platform/deep/api/-/blob/trunk/catalog-info.yaml']);
    expect(await run({ excludeRepos: ['acme/web'] })).toEqual(['/acme/platform/deep/api/-/blob/trunk/catalog-info.yaml']);
    expect(await run({ includeArchivedRepos: true, projectPattern: 'old' })).toEqual(['/acme/old/-/blob/main/catalog-info.yaml']);
    expect(await run({ branch: 'main', projectPattern: 'api' })).toEqual([]);
  });

  it('rejects bad config by name and surfaces a bad token as AuthenticationError', async () => {
    expect(() => createGitlabDiscoveryProvider({ id: 'x', integrations, config: { host: 'gitlab.nowhere.example', group: 'acme' } })).toThrow(InputError);
    expect(() => createGitlabDiscoveryProvider({ id: 'x', integrations, config: { host: gitlab.host, group: '../acme' } })).toThrow(/catalog.providers.gitlab.x.group/);
    const wrong = createIntegrations({ config: { gitlab: [{ host: gitlab.host, baseUrl: gitlab.baseUrl, token: 'glpat-wrong', allowPrivateNetwork: true }] } });
    const provider = createGitlabDiscoveryProvider({ id: 'bad', integrations: wrong, config: { host: gitlab.host, group: 'acme' } });
    // The catalog logs a failed connect and carries on; running it again shows the typed error.
    await createCatalog({ providers: [provider], reader: wrong.reader }).refresh();
    await expect(provider.run()).rejects.toMatchObject({ name: 'AuthenticationError' });
  });
});
