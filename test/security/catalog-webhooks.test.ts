/**
 * The webhook ingress under bad deliveries: each is a typed 4xx, refreshes nothing (the git
 * server sees no request, the entity keeps its content), is audited without its payload, and
 * a good delivery afterwards still works (so "nothing refreshed" is observable here).
 */
import { createHmac } from 'node:crypto';
import { type AuditEvent, createPortal, createPortalAuth, type Portal } from '@portalkit/core';
import { catalogPlugin, createCatalog, createCatalogWebhookHandler, type Catalog } from '@portalkit/catalog';
import { createIntegrations, webhookSecrets } from '@portalkit/integrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.js';
import { githubDelivery, githubPushPayload, gitlabDelivery, gitlabPushPayload, signGithub } from '../support/webhooks.js';

const SECRET = 'the-github-secret';
const OTHER_HOST_SECRET = 'secret-of-ghe.example.com';
const TOKEN = 'the-gitlab-token';
const MAX = 16 * 1024;
const GITHUB = 'http://portal.test/api/events/http/github';
const GITLAB = 'http://portal.test/api/events/http/gitlab';
const component = (description: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n  description: ${description}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

let server: GitHttpServer;
let catalog: Catalog;
let portal: Portal;
const audits: AuditEvent[] = [];
let push: Record<string, unknown>;
let body: string;

beforeAll(async () => {
  server = await startGitHttpServer({ prefix: '/scm' });
  await server.createRepo('acme/web', { 'catalog-info.yaml': component('v1') });
  const integrations = createIntegrations({ config: { git: [{ host: server.host, baseUrl: server.baseUrl, allowPrivateNetwork: true }] } });
  catalog = createCatalog({ reader: integrations.reader, auth: createPortalAuth({ audit: (event) => void audits.push(event) }) });
  const webhooks = createCatalogWebhookHandler({
    catalog,
    integrations,
    secrets: [
      webhookSecrets({ type: 'github', host: server.host, secrets: [SECRET] }),
      webhookSecrets({ type: 'github', host: 'ghe.example.com', secrets: [OTHER_HOST_SECRET] }),
      webhookSecrets({ type: 'gitlab', host: server.host, secrets: [TOKEN] }),
    ],
    maxBodyBytes: MAX,
    waitForRefresh: true,
  });
  portal = createPortal({ plugins: [catalogPlugin({ catalog }), { id: 'webhooks', basePath: '/api/events/http', handler: webhooks }] });
  await portal.start();
  await catalog.addLocation({ type: 'url', target: `${server.baseUrl}/acme/web.git/blob/main/catalog-info.yaml` });
  // The server moves on; only a refresh would show it.
  await server.commit('acme/web', { 'catalog-info.yaml': component('v2') });
  push = githubPushPayload({ webUrl: `http://${server.host}/acme/web`, fullName: 'acme/web', branch: 'main', commits: [{ added: [], modified: ['catalog-info.yaml'], removed: [] }] });
  body = JSON.stringify(push);
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await server?.close();
});

const description = async () => (await catalog.getEntityByRef('component:default/web'))?.metadata.description;

/**
 * Send `request`; expect `status` with core's typed error `name`, no git traffic, no change, and
 * an audit record without the body (`audited`: the portal refuses non-JSON posts before any
 * handler, so those leave none).
 */
async function refused(request: Request, status: number, name: string, audited = true) {
  const seen = server.requests.length;
  audits.length = 0;
  const response = await portal.fetch(request);
  const answer = (await response.json()) as { error: { name: string; message: string } };
  expect({ status: response.status, name: answer.error.name }, answer.error.message).toEqual({ status, name });
  expect(server.requests.length).toBe(seen);
  expect(await description()).toBe('v1');
  const recorded = audits.filter((a) => a.action.startsWith('catalog.webhook.'));
  expect(recorded).toHaveLength(audited ? 1 : 0);
  if (audited) expect(recorded[0]!.outcome).toBe(status === 401 || status === 403 ? 'denied' : 'failure');
  const text = JSON.stringify(audits) + answer.error.message;
  for (const secret of [SECRET, OTHER_HOST_SECRET, TOKEN, 'Codertocat']) expect(text).not.toContain(secret);
}

describe('GitHub deliveries that are refused', () => {
  it('no signature, another secret, a SHA-1 signature: 401', async () => {
    await refused(githubDelivery(GITHUB, { body, signature: null }), 401, 'AuthenticationError');
    await refused(githubDelivery(GITHUB, { body, secret: 'guessed' }), 401, 'AuthenticationError');
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
    await refused(githubDelivery(GITHUB, { body, signature: sha1 }), 401, 'AuthenticationError');
  });

  it('a replayed signature over altered bytes: 401', async () => {
    const signature = signGithub(SECRET, body);
    const altered = body.replace('"refs/heads/main"', '"refs/heads/mainx"');
    expect(altered).not.toBe(body);
    await refused(githubDelivery(GITHUB, { body: altered, signature }), 401, 'AuthenticationError');
    await refused(githubDelivery(GITHUB, { body: `${body} `, signature }), 401, 'AuthenticationError');
  });

  it('a body over the limit: 413, declared or streamed, before the signature is looked at', async () => {
    const big = JSON.stringify({ ...push, padding: 'x'.repeat(MAX) });
    await refused(githubDelivery(GITHUB, { body: big, secret: SECRET }), 413, 'PayloadTooLargeError');
    const chunks = [new TextEncoder().encode(big)];
    const stream = new ReadableStream<Uint8Array>({ pull: (controller) => (chunks.length ? controller.enqueue(chunks.shift()!) : controller.close()) });
    const streamed = new Request(GITHUB, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signGithub(SECRET, big) },
      duplex: 'half',
    } as RequestInit);
    await refused(streamed, 413, 'PayloadTooLargeError');
  });

  it('signed but not JSON, not JSON content, or not a push payload: 415 or 400', async () => {
    await refused(githubDelivery(GITHUB, { body: 'not json', secret: SECRET }), 400, 'InputError');
    await refused(githubDelivery(GITHUB, { body: 'payload=%7B%7D', secret: SECRET, contentType: 'application/x-www-form-urlencoded' }), 415, 'UnsupportedMediaTypeError', false);
    await refused(githubDelivery(GITHUB, { body: JSON.stringify({ ...push, commits: 'all of them' }), secret: SECRET }), 400, 'InputError');
    await refused(githubDelivery(GITHUB, { body: JSON.stringify({ ...push, repository: { full_name: 'acme/web' } }), secret: SECRET }), 400, 'InputError');
    await refused(githubDelivery(GITHUB, { body: '{"__proto__":{"polluted":1}}', secret: SECRET }), 400, 'InputError');
  });

  it('a body that is not UTF-8, even when the HMAC of its bytes is right: 401', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode(body.slice(0, -1)), 0xff, 0x7d]);
    const signature = `sha256=${createHmac('sha256', SECRET).update(bytes).digest('hex')}`;
    await refused(githubDelivery(GITHUB, { body: bytes, signature }), 401, 'AuthenticationError');
  });

  it("a repository on a host whose secret did not sign the delivery: 403", async () => {
    // Signed with another host's secret, naming this host's repository.
    await refused(githubDelivery(GITHUB, { body, secret: OTHER_HOST_SECRET }), 403, 'NotAllowedError');
    // Signed with this host's secret, naming a repository on a host nobody configured.
    const elsewhere = JSON.stringify(githubPushPayload({ webUrl: 'https://unknown.example.com/acme/web', fullName: 'acme/web', branch: 'main', commits: [{ added: [], modified: ['catalog-info.yaml'], removed: [] }] }));
    await refused(githubDelivery(GITHUB, { body: elsewhere, secret: SECRET }), 403, 'NotAllowedError');
  });
});

describe('GitLab deliveries that are refused', () => {
  const gitlab = () => JSON.stringify(gitlabPushPayload({ webUrl: `http://${server.host}/acme/web`, pathWithNamespace: 'acme/web', branch: 'main', commits: [{ added: [], modified: ['catalog-info.yaml'], removed: [] }] }));

  it('no token, another token, a GitHub signature instead: 401', async () => {
    await refused(gitlabDelivery(GITLAB, { body: gitlab() }), 401, 'AuthenticationError');
    await refused(gitlabDelivery(GITLAB, { body: gitlab(), token: `${TOKEN}x` }), 401, 'AuthenticationError');
    const signedForGithub = new Request(GITLAB, { method: 'POST', body: gitlab(), headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-hub-signature-256': signGithub(TOKEN, gitlab()) } });
    await refused(signedForGithub, 401, 'AuthenticationError');
  });

  it('with the token but a payload that is not a push: 400', async () => {
    await refused(gitlabDelivery(GITLAB, { body: JSON.stringify({ object_kind: 'push' }), token: TOKEN }), 400, 'InputError');
  });
});

describe('routes and events', () => {
  it('another host path is a 404 and GET is not a delivery', async () => {
    for (const request of [new Request('http://portal.test/api/events/http/bitbucket', { method: 'POST', body: '{}' }), new Request(GITHUB)]) {
      const response = await portal.fetch(request);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { name: string } }).error.name).toBe('NotFoundError');
    }
  });

  it('an unknown event with a good signature is acknowledged (202) and refreshes nothing', async () => {
    const seen = server.requests.length;
    const response = await portal.fetch(githubDelivery(GITHUB, { body, secret: SECRET, event: 'issues' }));
    expect(response.status).toBe(202);
    expect(server.requests.length).toBe(seen);
    expect(await description()).toBe('v1');
  });

  it('after all of that, a good delivery refreshes the location', async () => {
    const response = await portal.fetch(githubDelivery(GITHUB, { body, secret: SECRET }));
    expect(response.status).toBe(200);
    expect(await description()).toBe('v2');
  });
});
