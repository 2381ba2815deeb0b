// The example portal's API with tokens from its demo OpenID Connect provider (no browser): who each
// token is, what /api/auth/whoami says each may do, and what the APIs refuse. Tokens from another
// issuer, unsigned or tampered tokens are 401 and never echoed.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '@portalkit/core';
import {
  DEMO_PASSWORD,
  EXAMPLE_AUDIENCE,
  EXAMPLE_CLIENT_ID,
  createPortalSignIn,
  loadDemoUsers,
  startDemoOidcProvider,
  type DemoOidcProvider,
} from '../src/auth/index.js';
import { createExamplePortal, type ExamplePortal } from '../src/portal.js';
import { signIn } from './support/sign-in.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('example portal API with sign-in', () => {
  let stateDir: string;
  let example: ExamplePortal;
  let baseUrl: string;
  let otherProvider: DemoOidcProvider;
  const tokens: Record<string, string> = {};

  const tokensFrom = async (issuer: string, login: string) => {
    const result = await signIn({ issuer, clientId: EXAMPLE_CLIENT_ID, redirectUri: `${baseUrl}/`, resource: EXAMPLE_AUDIENCE, login, password: DEMO_PASSWORD });
    if (!result.tokens) throw new Error(`no tokens for ${login}: ${JSON.stringify(result)}`);
    return result.tokens;
  };
  const tokenFrom = async (issuer: string, login: string) => (await tokensFrom(issuer, login)).access_token;
  const call = (pathname: string, token?: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${pathname}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const whoami = async (token?: string) => (await call('/api/auth/whoami', token)).json();

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'pk-signin-api-'));
    example = await createExamplePortal({ stateDir, port: 0, logger: createLogger({ sink: memorySink() }) });
    baseUrl = (await example.listen()).url;
    const { issuer } = example.oidc()!;
    tokens.payments = await tokenFrom(issuer, 'alan.turing');
    tokens.platform = await tokenFrom(issuer, 'ada.lovelace');
    // Another provider with the same users, client and audience: a different issuer and key.
    otherProvider = await startDemoOidcProvider({
      users: await loadDemoUsers(path.join(here, '../data/org/users.yaml')),
      client: { clientId: EXAMPLE_CLIENT_ID, redirectUris: [`${baseUrl}/`] },
      audience: EXAMPLE_AUDIENCE,
    });
  }, 120_000);

  afterAll(async () => {
    await otherProvider?.close();
    await example?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('tells the browser where to sign in, and lets the page connect there', async () => {
    const config = await (await call('/api/auth/config')).json();
    expect(config).toEqual({ enabled: true, issuer: example.oidc()!.issuer, clientId: EXAMPLE_CLIENT_ID, audience: EXAMPLE_AUDIENCE, scope: 'openid profile email' });
    const csp = (await call('/')).headers.get('content-security-policy');
    expect(csp).toContain(`connect-src 'self' ${config.issuer};`);
  });

  it('whoami: anonymous may read but not register or run templates', async () => {
    const who = await whoami();
    expect(who.principal).toEqual({ type: 'anonymous', ownershipEntityRefs: [] });
    expect(who.allowed).toEqual({ 'catalog.location.create': false, 'scaffolder.task.create': false });
    expect(Object.values(who.templates).every((runnable) => runnable === false)).toBe(true);
  });

  it('whoami: a team-payments member, ownership from the catalog, may not run the platform template', async () => {
    const who = await whoami(tokens.payments);
    expect(who.principal).toMatchObject({ type: 'user', userEntityRef: 'user:default/alan.turing', displayName: 'Alan Turing' });
    expect(who.principal.ownershipEntityRefs).toEqual(expect.arrayContaining(['user:default/alan.turing', 'group:default/team-payments']));
    expect(who.principal.ownershipEntityRefs).not.toContain('group:default/team-platform');
    expect(who.principal).not.toHaveProperty('claims');
    expect(who.allowed['scaffolder.task.create']).toBe(true);
    expect(who.templates).toMatchObject({ 'template:default/create-nodejs-service': true, 'template:default/request-production-database': false });
  });

  it('whoami: a team-platform member may run every template', async () => {
    const who = await whoami(tokens.platform);
    expect(who.principal.ownershipEntityRefs).toContain('group:default/team-platform');
    expect(who.templates['template:default/request-production-database']).toBe(true);
    expect(Object.values(who.templates).every((runnable) => runnable === true)).toBe(true);
  });

  it('the catalog API hides the restricted entity from everyone but team-platform', async () => {
    const url = '/api/catalog/entities/by-name/resource/default/production-secrets-vault';
    expect((await call(url)).status).toBe(404);
    expect((await call(url, tokens.payments)).status).toBe(404);
    expect((await call(url, tokens.platform)).status).toBe(200);
    const count = async (token?: string) =>
      (await (await call('/api/catalog/entities/by-query?filter=kind=resource&limit=1', token)).json()).totalItems as number;
    expect(await count(tokens.platform)).toBe((await count(tokens.payments)) + 1);
    expect(await count()).toBe(await count(tokens.payments));
  });

  it('scaffolder catalog:fetch reads as the task creator: a payments dry run of the hidden vault is not found, platform gets it', async () => {
    const template = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'peek' },
      spec: {
        parameters: [],
        steps: [{ id: 'f', action: 'catalog:fetch', input: { entityRef: 'resource:default/production-secrets-vault' } }],
        output: { vault: '${{ steps.f.output.entity }}' },
      },
    };
    const dryRun = async (token?: string) =>
      call('/api/scaffolder/v2/dry-run', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ template, values: {}, directoryContents: [] }) });
    const payments = await dryRun(tokens.payments);
    expect(payments.status).toBe(200);
    const body = (await payments.json()) as { status: string; output: unknown; error?: { name: string } };
    expect(body.status).toBe('failed');
    expect(body.error?.name).toBe('NotFoundError');
    expect(JSON.stringify(body.output ?? {})).not.toContain('"kind":"Resource"');
    const platform = (await (await dryRun(tokens.platform)).json()) as { status: string; output: { vault?: { metadata?: { name?: string } } } };
    expect(platform.status).toBe('completed');
    expect(platform.output.vault?.metadata?.name).toBe('production-secrets-vault');
  });

  it('a payments user runs create-nodejs-service: catalog:register registers as them and the component appears', async () => {
    const res = await call('/api/scaffolder/v2/tasks', tokens.payments, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ templateRef: 'template:default/create-nodejs-service', values: { name: 'ledger-relay', owner: 'team-payments', port: 9090 } }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    let task: { status: string; error?: unknown; output?: { entityRef?: string } } = { status: 'open' };
    for (let i = 0; i < 600 && !['completed', 'failed', 'cancelled'].includes(task.status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      task = (await (await call(`/api/scaffolder/v2/tasks/${id}`, tokens.payments)).json()) as typeof task;
    }
    expect(task.error).toBeUndefined();
    expect(task.status).toBe('completed');
    const res2 = await call('/api/catalog/entities/by-name/component/default/ledger-relay', tokens.payments);
    expect(res2.status).toBe(200);
    // publish:git pushed to the local git host over HTTP; the catalog read the result from there.
    const repo = `${example.git.servicesUrl}/ledger-relay.git`;
    expect(repo).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/services\/ledger-relay\.git$/);
    const entity = (await res2.json()) as { metadata: { annotations: Record<string, string> } };
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${repo}/blob/main/catalog-info.yaml`,
      'backstage.io/view-url': `${repo}/blob/main/catalog-info.yaml`,
      'backstage.io/source-location': `url:${repo}/tree/main`,
    });
    expect(JSON.parse(await example.git.server.git('services/ledger-relay', ['show', 'main:package.json'])).name).toBe('ledger-relay');
    expect(example.git.server.requests.some((r) => r.method === 'POST' && r.path.endsWith('/services/ledger-relay.git/git-receive-pack') && r.authorized)).toBe(true);
  }, 90_000);

  it('reads the demo repository from the local git host: the catalog entity and its docs', async () => {
    const res = await call('/api/catalog/entities/by-name/component/default/platform-handbook');
    expect(res.status).toBe(200);
    const entity = (await res.json()) as { metadata: { annotations: Record<string, string> } };
    expect(entity.metadata.annotations['backstage.io/managed-by-location']).toBe(`url:${example.git.demoLocation}`);
    let page = await call('/api/techdocs/static/docs/default/component/platform-handbook/index.html');
    // The docs are built at start-up; a sync builds them if that has not finished yet.
    if (page.status !== 200) {
      await example.techdocs.sync(entity as never);
      page = await call('/api/techdocs/static/docs/default/component/platform-handbook/index.html');
    }
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('local git server');
  }, 60_000);

  it('the APIs refuse what the page hides: anonymous registering, payments running the platform template', async () => {
    const json = { 'content-type': 'application/json' };
    const location = await call('/api/catalog/locations', undefined, { method: 'POST', headers: json, body: JSON.stringify({ type: 'url', target: 'https://example.com/catalog-info.yaml' }) });
    expect(location.status).toBe(403);
    const task = await call('/api/scaffolder/v2/tasks', tokens.payments, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ templateRef: 'template:default/request-production-database', values: { name: 'sneaky-db', owner: 'team-payments' } }),
    });
    expect(task.status).toBe(403);
    expect((await task.json()).error.name).toBe('NotAllowedError');
  });

  it('locations and analysis are for signed-in users; file locations are refused; relations name no hidden entity', async () => {
    const json = { 'content-type': 'application/json' };
    // Anonymous: no locations (they name server paths), no analysis.
    expect(await (await call('/api/catalog/locations')).json()).toEqual([]);
    const analyze = (token: string | undefined, location: object) =>
      call('/api/catalog/analyze-location', token, { method: 'POST', headers: json, body: JSON.stringify({ location }) });
    expect((await analyze(undefined, { type: 'url', target: 'https://example.com/catalog-info.yaml' })).status).toBe(403);
    const listed = await (await call('/api/catalog/locations', tokens.payments)).json();
    expect(listed.length).toBeGreaterThan(0);
    // Signed in: only url locations, whatever the route.
    const root = listed[0].data.target as string;
    const refused = await analyze(tokens.payments, { type: 'file', target: root });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toBe('Registered locations must be of an allowed type ["url"]');
    const register = await call('/api/catalog/locations?dryRun=true', tokens.payments, { method: 'POST', headers: json, body: JSON.stringify({ type: 'file', target: root }) });
    expect(register.status).toBe(400);
    // The restricted entity is part of a readable system and owned by a readable group: neither says so.
    for (const token of [undefined, tokens.payments]) {
      const system = await (await call('/api/catalog/entities/by-name/system/default/developer-platform', token)).json();
      const group = await (await call('/api/catalog/entities/by-name/group/default/team-platform', token)).json();
      const facets = await (await call('/api/catalog/entity-facets?facet=relations.hasPart&facet=relations.ownerOf', token)).json();
      for (const body of [system.relations, group.relations, facets]) expect(JSON.stringify(body)).not.toContain('production-secrets-vault');
    }
    const byRelation = async (token?: string) =>
      (await (await call('/api/catalog/entities/by-query?filter=relations.hasPart=resource:default/production-secrets-vault', token)).json()).totalItems;
    expect(await byRelation()).toBe(0);
    expect(await byRelation(tokens.payments)).toBe(0);
    expect(await byRelation(tokens.platform)).toBe(1);
    const platformSystem = await (await call('/api/catalog/entities/by-name/system/default/developer-platform', tokens.platform)).json();
    expect(JSON.stringify(platformSystem.relations)).toContain('resource:default/production-secrets-vault');
  });

  it('refuses tokens of another issuer, unsigned and tampered tokens with 401, never echoing them', async () => {
    const foreign = await tokenFrom(otherProvider.issuer, 'ada.lovelace');
    const [header, payload] = tokens.payments!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const asPlatform = Buffer.from(JSON.stringify({ ...claims, sub: 'user:default/ada.lovelace' })).toString('base64url');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${asPlatform}.`;
    const tampered = `${header}.${asPlatform}.${tokens.payments!.split('.')[2]}`;
    for (const token of [foreign, unsigned, tampered, 'not-a-jwt']) {
      const response = await call('/api/auth/whoami', token);
      expect(response.status).toBe(401);
      const body = await response.text();
      expect(JSON.parse(body).error.name).toBe('AuthenticationError');
      for (const part of token.split('.').filter((p) => p.length > 8)) expect(body).not.toContain(part);
      expect((await call('/api/catalog/entities/by-name/resource/default/production-secrets-vault', token)).status).toBe(401);
    }
  });

  it('signs in through any other issuer when configured with one (discovering its JWKS), and only through it', async () => {
    const other = await createExamplePortal({
      stateDir: path.join(stateDir, 'other'),
      port: 0,
      logger: createLogger({ sink: memorySink() }),
      oidc: { issuer: otherProvider.issuer, clientId: EXAMPLE_CLIENT_ID, audience: EXAMPLE_AUDIENCE },
    });
    try {
      const otherUrl = (await other.listen()).url;
      expect(other.oidc()).toEqual({ issuer: otherProvider.issuer, clientId: EXAMPLE_CLIENT_ID, audience: EXAMPLE_AUDIENCE, jwksUrl: otherProvider.jwksUrl });
      const config = await (await fetch(`${otherUrl}/api/auth/config`)).json();
      expect(config.issuer).toBe(otherProvider.issuer);
      const who = (token: string) => fetch(`${otherUrl}/api/auth/whoami`, { headers: { authorization: `Bearer ${token}` } });
      const accepted = await who(await tokenFrom(otherProvider.issuer, 'ada.lovelace'));
      expect(accepted.status).toBe(200);
      expect((await accepted.json()).principal.userEntityRef).toBe('user:default/ada.lovelace');
      // The example's own demo provider is not started, and its tokens mean nothing here.
      expect((await who(tokens.platform!)).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it('refuses an ID token of the same issuer as an access token (the identifier pins typ at+jwt)', async () => {
    const { id_token: idToken, access_token: accessToken } = await tokensFrom(example.oidc()!.issuer, 'ada.lovelace');
    const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header(accessToken).typ).toBe('at+jwt');
    expect(header(idToken!).typ).not.toBe('at+jwt');
    expect((await call('/api/auth/whoami', accessToken)).status).toBe(200);
    const refused = await call('/api/auth/whoami', idToken);
    expect(refused.status).toBe(401);
    const body = await refused.text();
    // Refused for its type, before its audience is even looked at.
    expect(JSON.parse(body).error.message).toMatch(/wrong token type/);
    expect(body).not.toContain(idToken!.split('.')[1]);
  });

  it('refuses to start when the discovery document names another issuer than the configured one', async () => {
    // A server whose discovery document points at the other provider's real keys, under its own name.
    const documents: unknown[] = [];
    const server = createServer((_req, res) => {
      const document = documents.shift();
      res.writeHead(200, { 'content-type': 'application/json' }).end(typeof document === 'string' ? document : JSON.stringify(document));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fakeIssuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const catalog = { getEntitiesByRefs: async () => ({ items: [] }) };
    const start = (issuer: string) =>
      createPortalSignIn({
        oidc: { issuer, clientId: EXAMPLE_CLIENT_ID, audience: EXAMPLE_AUDIENCE },
        dataDir: path.join(here, '../data'),
        catalog,
        logger: createLogger({ sink: memorySink() }),
      }).start(baseUrl);
    try {
      const cases: Array<[unknown, RegExp]> = [
        [{ issuer: otherProvider.issuer, jwks_uri: otherProvider.jwksUrl }, /names ".*", not the configured issuer ".*" \(they must be identical/],
        [{ issuer: `${fakeIssuer}/`, jwks_uri: otherProvider.jwksUrl }, /not the configured issuer/],
        [{ jwks_uri: otherProvider.jwksUrl }, /names no issuer, not the configured issuer/],
        [{ issuer: { toString: fakeIssuer }, jwks_uri: otherProvider.jwksUrl }, /names no issuer/],
        ['not json', /is not a JSON document/],
        [null, /is not a JSON object/],
        [{ issuer: fakeIssuer }, /has no jwks_uri/],
      ];
      for (const [document, message] of cases) {
        documents.push(document);
        await expect(start(fakeIssuer), JSON.stringify(document)).rejects.toThrow(message);
      }
      // The same document naming the configured issuer is accepted.
      documents.push({ issuer: fakeIssuer, jwks_uri: otherProvider.jwksUrl });
      await expect(start(fakeIssuer)).resolves.toBeUndefined();
      // A configured issuer with a trailing slash is not the discovery document's issuer either.
      documents.push({ issuer: fakeIssuer, jwks_uri: otherProvider.jwksUrl });
      await expect(start(`${fakeIssuer}/`)).rejects.toThrow(/not the configured issuer/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
