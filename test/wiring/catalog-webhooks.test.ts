/**
 * The catalog's webhook ingress end to end: locations on a real git server (git http-backend),
 * read through the plain git integration; a change committed there; a signed GitHub- or
 * GitLab-shaped push delivery naming the repository; the entity updated, and locations of
 * other repositories and branches left alone (not even fetched).
 */
import { type AuditEvent, createPortal, createPortalAuth, type Portal } from '@portalkit/core';
import { catalogPlugin, createCatalog, createCatalogWebhookHandler, type Catalog } from '@portalkit/catalog';
import { createIntegrations, webhookSecrets } from '@portalkit/integrations';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.js';
import { githubDelivery, githubPushPayload, githubPushSchemaErrors, gitlabDelivery, gitlabPushPayload } from '../support/webhooks.js';

const GITHUB_SECRET = 'github-webhook-secret';
const GITLAB_TOKEN = 'gitlab-webhook-token';
const component = (name: string, description: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${description}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

let server: GitHttpServer;
let catalog: Catalog;
let portal: Portal;
const audits: AuditEvent[] = [];

/** Portal with the catalog and the webhook handler; `wait` answers after the refresh. */
function makePortal(wait: boolean): Portal {
  const integrations = createIntegrations({
    config: { git: [{ host: server.host, baseUrl: server.baseUrl, username: 'bot', password: 'pw', allowPrivateNetwork: true }] },
  });
  catalog = createCatalog({ reader: integrations.reader, auth: createPortalAuth({ audit: (event) => void audits.push(event) }) });
  const webhooks = createCatalogWebhookHandler({
    catalog,
    integrations,
    // The git server plays both hosts: its host is configured with a GitHub secret and a GitLab token.
    secrets: [
      webhookSecrets({ type: 'github', host: server.host, secrets: ['old-secret', GITHUB_SECRET] }),
      webhookSecrets({ type: 'gitlab', host: server.host, secrets: [GITLAB_TOKEN] }),
    ],
    waitForRefresh: wait,
  });
  return createPortal({ plugins: [catalogPlugin({ catalog }), { id: 'webhooks', basePath: '/api/events/http', handler: webhooks }] });
}

const blob = (repo: string, ref: string, path = 'catalog-info.yaml') => `${server.baseUrl}/${repo}.git/blob/${ref}/${path}`;
const description = async (name: string) => (await catalog.getEntityByRef(`component:default/${name}`))?.metadata.description;
const fetchesOf = (repo: string) => server.requests.filter((r) => r.path.startsWith(`/scm/${repo}.git/`)).length;

beforeAll(async () => {
  server = await startGitHttpServer({ auth: { username: 'bot', password: 'pw' }, prefix: '/scm' });
  await server.createRepo('acme/web', { 'catalog-info.yaml': component('web', 'v1'), 'docs/index.md': '# web' });
  await server.git('acme/web', ['branch', 'dev', 'main']);
  await server.commit('acme/web', { 'catalog-info.yaml': component('web-dev', 'v1') }, { branch: 'dev' });
  await server.createRepo('acme/other', { 'catalog-info.yaml': component('other', 'v1') });
  await server.createRepo('group/sub/project', { 'catalog-info.yaml': component('project', 'v1') });
  portal = makePortal(true);
  await portal.start();
  for (const target of [blob('acme/web', 'main'), blob('acme/web', 'dev'), blob('acme/other', 'main'), blob('group/sub/project', 'main')]) {
    await catalog.addLocation({ type: 'url', target });
  }
  expect([await description('web'), await description('web-dev'), await description('other'), await description('project')]).toEqual(['v1', 'v1', 'v1', 'v1']);
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await server?.close();
});

describe('a signed GitHub push delivery', () => {
  it('refreshes the pushed repository and branch, and nothing else', async () => {
    // Every repository and branch changes on the server; only acme/web@main is pushed.
    await server.commit('acme/web', { 'catalog-info.yaml': component('web', 'v2') });
    await server.commit('acme/web', { 'catalog-info.yaml': component('web-dev', 'v2') }, { branch: 'dev' });
    await server.commit('acme/other', { 'catalog-info.yaml': component('other', 'v2') });
    const payload = githubPushPayload({
      webUrl: `http://${server.host}/acme/web`,
      fullName: 'acme/web',
      branch: 'main',
      commits: [{ added: [], modified: ['catalog-info.yaml'], removed: [] }],
    });
    // The delivery is what GitHub's published description says a push payload is.
    expect(githubPushSchemaErrors(payload)).toEqual([]);
    const otherFetches = fetchesOf('acme/other');
    audits.length = 0;

    const body = JSON.stringify(payload);
    const response = await portal.fetch(githubDelivery('http://portal.test/api/events/http/github', { body, secret: GITHUB_SECRET }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'refreshed', locations: 1, refreshed: 1, failed: 0 });

    expect(await description('web')).toBe('v2');
    expect(await description('web-dev')).toBe('v1');
    expect(await description('other')).toBe('v1');
    expect(fetchesOf('acme/other')).toBe(otherFetches);

    // One audit record for the delivery: who, what, how many; no payload, no secret.
    const delivery = audits.filter((a) => a.action === 'catalog.webhook.github');
    expect(delivery).toEqual([
      expect.objectContaining({
        outcome: 'success',
        actor: { type: 'service', subject: 'webhook:github' },
        target: `github:${server.host}/acme/web@refs/heads/main`,
        meta: expect.objectContaining({ delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958', event: 'push', locations: 1, refreshed: 1 }),
      }),
    ]);
    const recorded = JSON.stringify(audits);
    expect(recorded).not.toContain(GITHUB_SECRET);
    expect(recorded).not.toContain('Codertocat');
  });

  it('skips a location whose file the push did not change, and refreshes it when the push lists no files', async () => {
    await server.commit('acme/web', { 'catalog-info.yaml': component('web-dev', 'v3') }, { branch: 'dev' });
    const docsOnly = githubPushPayload({ webUrl: `http://${server.host}/acme/web`, fullName: 'acme/web', branch: 'dev', commits: [{ added: ['docs/x.md'], modified: [], removed: [] }] });
    let response = await portal.fetch(githubDelivery('http://portal.test/api/events/http/github', { body: JSON.stringify(docsOnly), secret: GITHUB_SECRET }));
    expect(await response.json()).toMatchObject({ locations: 0, refreshed: 0 });
    expect(await description('web-dev')).toBe('v1');

    // A force push: the commit list cannot tell what changed, so every location of acme/web@dev is read.
    const forced = { ...docsOnly, forced: true };
    expect(githubPushSchemaErrors(forced)).toEqual([]);
    response = await portal.fetch(githubDelivery('http://portal.test/api/events/http/github', { body: JSON.stringify(forced), secret: GITHUB_SECRET }));
    expect(await response.json()).toMatchObject({ locations: 1, refreshed: 1 });
    expect(await description('web-dev')).toBe('v3');
    expect(await description('web')).toBe('v2');
  });

  it('acknowledges other events without refreshing', async () => {
    await server.commit('acme/other', { 'catalog-info.yaml': component('other', 'v3') });
    const response = await portal.fetch(
      githubDelivery('http://portal.test/api/events/http/github', { body: JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }), secret: GITHUB_SECRET, event: 'ping' }),
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'ignored', event: 'ping' });
    expect(await description('other')).toBe('v1');
  });
});

describe('a GitLab push delivery with the secret token', () => {
  it('refreshes the project of a nested group', async () => {
    await server.commit('group/sub/project', { 'catalog-info.yaml': component('project', 'v2') });
    const payload = gitlabPushPayload({
      webUrl: `http://${server.host}/group/sub/project`,
      pathWithNamespace: 'group/sub/project',
      branch: 'main',
      commits: [{ added: [], modified: ['catalog-info.yaml'], removed: [] }],
    });
    const response = await portal.fetch(gitlabDelivery('http://portal.test/api/events/http/gitlab', { body: JSON.stringify(payload), token: GITLAB_TOKEN }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ locations: 1, refreshed: 1 });
    expect(await description('project')).toBe('v2');
    expect(await description('other')).toBe('v1');
  });
});

describe('without waiting for the refresh (the default)', () => {
  it('answers 202 at once and refreshes in the background', async () => {
    const background = makePortal(false);
    await background.start();
    try {
      await catalog.addLocation({ type: 'url', target: blob('acme/other', 'main') });
      expect(await description('other')).toBe('v3');
      await server.commit('acme/other', { 'catalog-info.yaml': component('other', 'v4') });
      const payload = githubPushPayload({ webUrl: `http://${server.host}/acme/other`, fullName: 'acme/other', branch: 'main', commits: [{ added: [], modified: ['catalog-info.yaml'], removed: [] }] });
      const response = await background.fetch(githubDelivery('http://portal.test/api/events/http/github', { body: JSON.stringify(payload), secret: GITHUB_SECRET }));
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ status: 'accepted', event: 'push' });
      await vi.waitFor(async () => expect(await description('other')).toBe('v4'), { timeout: 20_000, interval: 100 });
    } finally {
      await background.stop();
    }
  });
});
