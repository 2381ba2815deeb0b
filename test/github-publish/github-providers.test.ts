import { CATALOG_TOPICS, catalogProviderStateChangedEvent, createCatalog, createGithubDiscoveryProvider, createGithubOrgProvider } from '@portalkit/catalog';
import { createEventBus, type Logger } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PublishRoutes } from '../support/contract/github/publish-routes.js';
import { basicError } from '../support/contract/github/responses.js';
import type { GithubContractServer } from '../support/contract/github/server.js';
import { startPublishGithub } from './setup.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
let server: GithubContractServer;
let routes: PublishRoutes;
let integrations: ScmIntegrations;

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/platform\n`;

beforeAll(async () => {
  ({ server, routes, integrations } = await startPublishGithub());
  routes.addAccount('acme', 'Organization');
  await server.addRepo('acme', 'svc-a', { 'catalog-info.yaml': component('svc-a') });
  server.getRepo('acme', 'svc-a')!.topics = ['backend'];
  await server.addRepo('acme', 'svc-b', { 'README.md': 'no catalog file' });
  await server.addRepo('acme', 'svc-fork', { 'catalog-info.yaml': component('svc-fork') });
  routes.extras('acme', 'svc-fork').fork = true;
  await server.addRepo('acme', 'svc-old', { 'catalog-info.yaml': component('svc-old') });
  routes.extras('acme', 'svc-old').archived = true;
  await server.addRepo('acme', 'svc-lab', { 'catalog-info.yaml': component('svc-lab') });
  server.getRepo('acme', 'svc-lab')!.topics = ['experimental'];
  await server.addRepo('acme', 'tools', { 'catalog-info.yaml': component('tools') });
  await server.addRepo('acme', 'mono', { 'services/x/catalog-info.yaml': component('mono-x'), 'services/y/catalog-info.yaml': component('mono-y'), 'catalog-info.yaml': component('mono') }, { branch: 'trunk' });

  for (const [login, name, email] of [['alice', 'Alice Doe', 'alice@example.com'], ['bob', 'Bob Roe', undefined]] as const) {
    routes.addAccount(login, 'User', { name, ...(email ? { email } : {}), bio: `${name} works here` });
  }
  routes.teams.push(
    { org: 'acme', slug: 'platform', name: 'Platform', description: 'The platform team', members: ['alice', 'bob'] },
    { org: 'acme', slug: 'platform-web', name: 'Platform Web', parent: 'platform', members: ['alice'] },
  );
});
afterAll(async () => server?.close());
beforeEach(() => {
  routes.rateLimited = false;
});

const names = async (catalog: ReturnType<typeof createCatalog>, kind: string) =>
  (await catalog.getEntities({ filter: { kind } })).items.map((e) => e.metadata.name).sort();

describe('createGithubDiscoveryProvider through createCatalog', () => {
  it("provides a url Location for each repository with the catalog file, with Backstage's filters, and the catalog reads them", async () => {
    const discovery = createGithubDiscoveryProvider({ integrations, host: server.host, organization: 'acme', filters: { repository: '^svc-', allowForks: false, topic: { exclude: ['experimental'] } } });
    const catalog = createCatalog({ providers: [discovery], reader: integrations.reader });
    await catalog.refresh();
    expect(await names(catalog, 'component')).toEqual(['svc-a']);
    const entity = await catalog.getEntityByRef('component:default/svc-a');
    expect(entity?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:${server.baseUrl}/acme/svc-a/blob/main/catalog-info.yaml`);
  });

  it('matches a glob catalogPath against the branch tree, and a full run drops what disappeared', async () => {
    const discovery = createGithubDiscoveryProvider({ integrations, host: server.host, organization: 'acme', catalogPath: '/services/*/catalog-info.yaml', filters: { repository: /^mono$/ } });
    const catalog = createCatalog({ providers: [discovery], reader: integrations.reader });
    await catalog.refresh();
    expect(await names(catalog, 'component')).toEqual(['mono-x', 'mono-y']);
    expect(await names(catalog, 'location')).toHaveLength(2);

    await server.git.commit('acme/mono', { 'services/z/catalog-info.yaml': component('mono-z') }, { branch: 'trunk' });
    await discovery.run();
    await catalog.refresh();
    expect(await names(catalog, 'component')).toEqual(['mono-x', 'mono-y', 'mono-z']);
  });

  it('encodes file names holding ?, # or % so the location names that file', async () => {
    await server.addRepo('acme', 'odd', { 'teams/a?b#c%d/catalog-info.yaml': component('odd-one') });
    const discovery = createGithubDiscoveryProvider({ integrations, host: server.host, organization: 'acme', catalogPath: '/teams/*/catalog-info.yaml', filters: { repository: /^odd$/ } });
    const catalog = createCatalog({ providers: [discovery], reader: integrations.reader });
    await catalog.refresh();
    expect(await names(catalog, 'component')).toEqual(['odd-one']);
    expect((await catalog.getEntityByRef('component:default/odd-one'))?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(
      `url:${server.baseUrl}/acme/odd/blob/main/teams/a%3Fb%23c%25d/catalog-info.yaml`,
    );
  });

  it('includes forks and topics by default, and filters by topic include', async () => {
    const all = createGithubDiscoveryProvider({ integrations, host: server.host, organization: 'acme', id: 'all' });
    const catalog = createCatalog({ providers: [all], reader: integrations.reader });
    await catalog.refresh();
    expect(await names(catalog, 'component')).toEqual(['mono', 'svc-a', 'svc-fork', 'svc-lab', 'tools']);
    const backend = createGithubDiscoveryProvider({ integrations, host: server.host, organization: 'acme', filters: { topic: { include: ['backend'] } } });
    const catalog2 = createCatalog({ providers: [backend], reader: integrations.reader });
    await catalog2.refresh();
    expect(await names(catalog2, 'component')).toEqual(['svc-a']);
  });

  it('is a typed error from run() when rate limited; from connect it is the provider status, retried until it recovers', async () => {
    const discovery = createGithubDiscoveryProvider({ integrations, host: server.host, organization: 'acme' });
    routes.rateLimited = 403;
    const catalog = createCatalog({ providers: [discovery], reader: integrations.reader, logger: silent, providerRetry: { initialDelayMs: 3_600_000 } });
    await catalog.refresh();
    const [status] = await catalog.getProviderStatuses();
    expect(status).toMatchObject({ name: 'github-provider:acme', state: 'retrying', lastError: { name: 'ServiceUnavailableError' } });
    expect(status!.lastError!.message).toMatch(/rate limit was exceeded/);
    expect(JSON.stringify(status)).not.toContain(server.token);
    await expect(discovery.run()).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
    routes.rateLimited = false;
    await discovery.run();
    await catalog.refresh();
    expect(await names(catalog, 'component')).toContain('svc-a');
    await catalog.stop();
  });

  it('answered 500 twice while connecting, is retried with backoff and becomes ready with its locations read', async () => {
    let failures = 0;
    const off = server.use((request) => {
      if (request.origin !== 'api' || request.template !== '/orgs/{org}/repos' || failures >= 2) return undefined;
      failures += 1;
      return basicError(500, 'Server Error');
    });
    const events = createEventBus();
    const ready = new Promise<void>((resolve) =>
      events.subscribe(CATALOG_TOPICS.providerStateChanged, (payload) => {
        if (catalogProviderStateChangedEvent.parse(payload).state === 'ready') resolve();
      }),
    );
    try {
      const discovery = createGithubDiscoveryProvider({ integrations, host: server.host, organization: 'acme', id: 'flaky', filters: { repository: '^svc-a$' } });
      const catalog = createCatalog({ providers: [discovery], reader: integrations.reader, events, logger: silent, providerRetry: { initialDelayMs: 1, jitter: 0 } });
      await catalog.refresh();
      await ready;
      expect(failures).toBe(2);
      const [status] = await catalog.getProviderStatuses();
      expect(status).toMatchObject({ name: 'github-provider:flaky', state: 'ready', consecutiveFailures: 0, lastError: { name: 'ServiceUnavailableError' } });
      expect(status!.lastError!.message).toMatch(/500/);
      await catalog.refresh();
      expect(await names(catalog, 'component')).toEqual(['svc-a']);
      await catalog.stop();
    } finally {
      off();
    }
  });

  it('rejects bad options at creation', () => {
    expect(() => createGithubDiscoveryProvider({ integrations, host: 'github.example.com', organization: 'acme' })).toThrow(/No matching GitHub integration/);
    expect(() => createGithubDiscoveryProvider({ integrations, host: server.host, organization: '../x' })).toThrow(/organization must be/);
  });
});

describe('createGithubOrgProvider through createCatalog', () => {
  it('turns teams into Groups (hierarchy from parents) and members into Users with profiles and memberships', async () => {
    const org = createGithubOrgProvider({ integrations, host: server.host, organization: 'acme' });
    const catalog = createCatalog({ providers: [org] });
    await catalog.refresh();
    expect(await names(catalog, 'group')).toEqual(['platform', 'platform-web']);
    expect(await names(catalog, 'user')).toEqual(['alice', 'bob']);
    const platform = await catalog.getEntityByRef('group:default/platform');
    expect(platform?.metadata).toMatchObject({ description: 'The platform team', annotations: { 'github.com/team-slug': 'acme/platform' } });
    expect(platform?.spec).toMatchObject({ type: 'team', profile: { displayName: 'Platform' }, children: ['platform-web'] });
    expect((await catalog.getEntityByRef('group:default/platform-web'))?.spec).toMatchObject({ parent: 'platform', children: [] });
    const alice = await catalog.getEntityByRef('user:default/alice');
    expect(alice?.metadata.annotations).toMatchObject({ 'github.com/user-login': 'alice' });
    expect(alice?.spec).toMatchObject({ profile: { displayName: 'Alice Doe', email: 'alice@example.com' }, memberOf: ['platform', 'platform-web'] });
    expect(alice?.relations?.map((r) => `${r.type}:${r.targetRef}`).sort()).toEqual(['memberOf:group:default/platform', 'memberOf:group:default/platform-web']);
    expect((await catalog.getEntityByRef('user:default/bob'))?.spec).toMatchObject({ profile: { displayName: 'Bob Roe' }, memberOf: ['platform'] });
  });

  it('is an AuthenticationError with bad credentials', async () => {
    const { createIntegrations } = await import('@portalkit/integrations');
    const bad = createIntegrations({ config: { github: [{ host: server.host, apiBaseUrl: server.apiBaseUrl, codeloadBaseUrl: server.codeloadBaseUrl, token: 'ghp_wrong', allowPrivateNetwork: true }] } });
    const org = createGithubOrgProvider({ integrations: bad, host: server.host, organization: 'acme' });
    const catalog = createCatalog({ providers: [org], logger: silent, providerRetry: { initialDelayMs: 3_600_000 } });
    await catalog.refresh();
    await expect(org.run()).rejects.toMatchObject({ name: 'AuthenticationError' });
    expect(JSON.stringify(await names(catalog, 'user'))).toBe('[]');
    const [status] = await catalog.getProviderStatuses();
    expect(status).toMatchObject({ state: 'retrying', lastError: { name: 'AuthenticationError' } });
    expect(JSON.stringify(status)).not.toContain('ghp_wrong');
    await catalog.stop();
  });
});
