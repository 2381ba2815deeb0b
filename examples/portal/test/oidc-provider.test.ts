// The demo OpenID Connect provider, driven as a relying party would: discovery, the login page,
// authorization code + PKCE, the token endpoint, and the tokens' signatures checked against its JWKS.
import { createPublicKey, verify } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loadDemoUsers, startDemoOidcProvider, type DemoOidcProvider } from '../src/auth/index.js';
import { renderLoginPage } from '../src/auth/login-page.js';
import { jwtPayload, signIn } from './support/sign-in.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const client = { clientId: 'portalkit-example', redirectUris: ['http://127.0.0.1:7999/'] };
const audience = 'http://127.0.0.1:7999/api';

/** Verifies an RS256 JWT against a JWKS with node:crypto only (independent of the provider's own code). */
async function verifyRs256(token: string, jwksUrl: string): Promise<boolean> {
  const [header, payload, signature] = token.split('.');
  const { kid, alg } = JSON.parse(Buffer.from(header!, 'base64url').toString());
  if (alg !== 'RS256') return false;
  const { keys } = (await (await fetch(jwksUrl)).json()) as { keys: { kid: string }[] };
  const jwk = keys.find((k) => k.kid === kid);
  if (!jwk) return false;
  return verify('sha256', Buffer.from(`${header}.${payload}`), createPublicKey({ key: jwk as never, format: 'jwk' }), Buffer.from(signature!, 'base64url'));
}

describe('demo OIDC provider', () => {
  let op: DemoOidcProvider;
  const flow = (login: string, extra: Partial<Parameters<typeof signIn>[0]> = {}) =>
    signIn({ issuer: op.issuer, clientId: client.clientId, redirectUri: client.redirectUris[0]!, resource: audience, login, password: DEMO_PASSWORD, ...extra });

  beforeAll(async () => {
    const users = await loadDemoUsers(path.join(here, '../data/org/users.yaml'));
    op = await startDemoOidcProvider({ users, client, audience });
  });
  afterAll(() => op?.close());

  it('reads the demo org users as accounts', async () => {
    const users = await loadDemoUsers(path.join(here, '../data/org/users.yaml'));
    expect(users.length).toBeGreaterThanOrEqual(10);
    expect(users.find((u) => u.name === 'ada.lovelace')).toEqual({
      ref: 'user:default/ada.lovelace',
      name: 'ada.lovelace',
      displayName: 'Ada Lovelace',
      email: 'ada.lovelace@acme.example',
      memberOf: ['team-platform'],
    });
  });

  it('publishes discovery with PKCE S256 and the JWKS', async () => {
    const discovery = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(op.issuer);
    expect(discovery.jwks_uri).toBe(op.jwksUrl);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    const jwks = await (await fetch(op.jwksUrl)).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('signs a demo user in and issues a JWT access token for the portal API and an ID token', async () => {
    const result = await flow('alan.turing');
    expect(result.loginStatus).toBe(303);
    expect(result.redirect?.origin + result.redirect!.pathname).toBe(client.redirectUris[0]);
    expect(result.tokens?.token_type).toBe('Bearer');
    const access = result.tokens!.access_token;
    expect(await verifyRs256(access, op.jwksUrl)).toBe(true);
    const header = JSON.parse(Buffer.from(access.split('.')[0]!, 'base64url').toString());
    expect(header.typ).toBe('at+jwt');
    expect(jwtPayload(access)).toMatchObject({ iss: op.issuer, aud: audience, sub: 'user:default/alan.turing', client_id: client.clientId, scope: 'portal' });
    const id = result.tokens!.id_token;
    expect(await verifyRs256(id, op.jwksUrl)).toBe(true);
    expect(jwtPayload(id)).toMatchObject({ iss: op.issuer, aud: client.clientId, sub: 'user:default/alan.turing', name: 'Alan Turing', email: 'alan.turing@acme.example' });
  });

  it('refuses a wrong password, an unknown user, and a flow without PKCE', async () => {
    expect((await flow('alan.turing', { password: 'Demo' })).loginStatus).toBe(401);
    expect((await flow('alan.turing', { password: '' })).loginStatus).toBe(401);
    expect((await flow('nobody')).loginStatus).toBe(401);
    const noPkce = await flow('alan.turing', { withoutPkce: true });
    expect(noPkce.tokens).toBeUndefined();
    expect(noPkce.redirect?.searchParams.get('error')).toBe('invalid_request');
  });

  it('issues tokens for no other audience and no other redirect URI', async () => {
    const other = await flow('alan.turing', { resource: 'http://evil.example/api' });
    expect(other.tokens).toBeUndefined();
    expect(other.redirect?.searchParams.get('error')).toBe('invalid_target');
    const response = await fetch(`${op.issuer}/auth?${new URLSearchParams({ client_id: client.clientId, redirect_uri: 'http://evil.example/', response_type: 'code', scope: 'openid' })}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('answers the token endpoint cross-origin only to the portal\'s origin', async () => {
    const tokenCall = (origin: string) =>
      fetch(`${op.issuer}/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: client.clientId, redirect_uri: client.redirectUris[0]!, code_verifier: 'a'.repeat(43) }),
      });
    expect((await tokenCall('http://127.0.0.1:7999')).headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:7999');
    const evil = await tokenCall('http://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('escapes what users.yaml says on the login page', () => {
    const html = renderLoginPage({
      action: '/interaction/abc/login',
      clientName: 'portal',
      users: [{ ref: 'user:default/x', name: 'x"><script>alert(1)</script>', displayName: '<img src=x onerror=alert(1)>', memberOf: ['</label><b>'] }],
      error: '<i>',
    });
    expect(html).not.toMatch(/<script>|<img|<b>|<i>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('answers a stale interaction without a stack trace', async () => {
    const response = await fetch(`${op.issuer}/interaction/not-a-real-one`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('sign in again');
  });
});
