// The example portal's local OpenID Connect provider: a development stand-in for the company
// identity provider, built on `oidc-provider` (an OpenID-certified authorization server). It signs
// in the demo org's users with one shared development password and issues RFC 9068 JWT access
// tokens for the portal's API. Never expose it: it knows every password.
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '@portalkit/core';
import type { DemoUser } from './demo-users.js';
import { renderLoginPage } from './login-page.js';

/** The development password of every demo user (documented; not a secret). */
export const DEMO_PASSWORD = 'demo';

/** Options of {@link startDemoOidcProvider}. */
export interface DemoOidcProviderOptions {
  /** The accounts: see `loadDemoUsers`. */
  users: readonly DemoUser[];
  /** The portal's public client. */
  client: {
    clientId: string;
    /** Exact redirect URIs of the portal UI, e.g. `http://127.0.0.1:7007/`. */
    redirectUris: readonly string[];
  };
  /** The portal API's resource indicator; access tokens carry it as `aud`. */
  audience: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default {@link DEMO_PASSWORD}. */
  password?: string;
  /** Access and ID token lifetime in seconds; default 3600. */
  tokenTtl?: number;
  logger?: Logger;
}

/** A running demo provider. */
export interface DemoOidcProvider {
  /** The issuer, `http://127.0.0.1:<port>`; discovery at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** The JWKS URL the portal verifies tokens against. */
  jwksUrl: string;
  close(): Promise<void>;
}

/** The scope that names the portal API on the resource server (its access tokens carry it). */
export const PORTAL_API_SCOPE = 'portal';

/**
 * Starts the demo OpenID Connect provider on its own port: authorization code flow with PKCE
 * (S256, required: the portal is a public client), a login page listing the demo users, JWT
 * access tokens for `audience` (resource indicators, RFC 8707 / RFC 9068), ID tokens with
 * `name` and `email`. Keys are generated per process, so tokens die with it.
 *
 * @example
 * ```ts
 * const op = await startDemoOidcProvider({
 *   users: await loadDemoUsers('data/org/users.yaml'),
 *   client: { clientId: 'portalkit-example', redirectUris: ['http://127.0.0.1:7007/'] },
 *   audience: 'http://127.0.0.1:7007/api',
 * });
 * console.log(`${op.issuer}/.well-known/openid-configuration`);
 * ```
 */
export async function startDemoOidcProvider(options: DemoOidcProviderOptions): Promise<DemoOidcProvider> {
  if (options.users.length === 0) throw new Error('startDemoOidcProvider: no users');
  if (options.client.redirectUris.length === 0) throw new Error('startDemoOidcProvider: the client needs a redirect URI');
  const host = options.host ?? '127.0.0.1';
  // The issuer contains the port, so the server listens first and the provider is made after.
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handle) handle(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const provider = new Provider(issuer, providerConfiguration(options));
  // Errors of OAuth requests are answered to the client; only unexpected ones are worth a log.
  provider.on('server_error', (_ctx, error) => options.logger?.error('demo OIDC provider error', { error }));
  const interactions = createInteractionHandler(provider, options);
  const callback = provider.callback();
  handle = (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interactions(req, res).catch((error) => {
        options.logger?.warn('demo OIDC provider: interaction failed', { error });
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('This sign-in attempt expired or is invalid. Go back to the portal and sign in again.');
      });
    } else {
      callback(req, res);
    }
  };
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function providerConfiguration(options: DemoOidcProviderOptions): Configuration {
  const byRef = new Map(options.users.map((user) => [user.ref, user]));
  const ttl = options.tokenTtl ?? 3600;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `demo-${randomBytes(6).toString('hex')}`, use: 'sig', alg: 'RS256' };
  return {
    clients: [
      {
        client_id: options.client.clientId,
        client_name: 'portalkit example portal',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        redirect_uris: [...options.client.redirectUris],
        post_logout_redirect_uris: [...options.client.redirectUris],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [jwk as never] },
    // The page calls discovery and the token endpoint from the portal's origin only.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
    async findAccount(_ctx, sub) {
      const user = byRef.get(sub);
      if (!user) return undefined;
      return {
        accountId: user.ref,
        claims: () => ({ sub: user.ref, name: user.displayName, preferred_username: user.name, ...(user.email ? { email: user.email } : {}) }),
      };
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, resource) {
          if (resource !== options.audience) throw new errors.InvalidTarget();
          return { scope: PORTAL_API_SCOPE, audience: options.audience, accessTokenFormat: 'jwt', accessTokenTTL: ttl, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    // The portal is the provider's only, first-party client: its grant is given without a consent screen.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile email');
      grant.addResourceScope(options.audience, PORTAL_API_SCOPE);
      await grant.save();
      return grant;
    },
    pkce: { required: () => true },
    ttl: { AccessToken: ttl, IdToken: ttl, AuthorizationCode: 60, Interaction: 600, Session: ttl, Grant: ttl },
    renderError(ctx, out) {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `Sign-in failed: ${out.error}${out.error_description ? ` (${out.error_description})` : ''}`;
    },
  };
}

const MAX_FORM_BYTES = 4096;

/** The login page: GET shows it, POST checks the password and finishes the interaction. */
function createInteractionHandler(provider: Provider, options: DemoOidcProviderOptions) {
  const password = options.password ?? DEMO_PASSWORD;
  const expected = createHash('sha256').update(password).digest();
  const byName = new Map(options.users.map((user) => [user.name, user]));
  const passwordHint = options.password === undefined ? DEMO_PASSWORD : undefined;
  const page = (res: ServerResponse, status: number, action: string, extra: { error?: string; selected?: string } = {}) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
      'x-frame-options': 'DENY',
    });
    res.end(renderLoginPage({ action, users: options.users, clientName: 'the ACME developer portal', passwordHint, ...extra }));
  };

  return async (req: IncomingMessage, res: ServerResponse) => {
    // Throws unless the request carries the interaction's cookie (SameSite=Lax), so a
    // cross-site POST cannot finish someone else's sign-in.
    const details = await provider.interactionDetails(req, res);
    const action = `/interaction/${details.uid}/login`;
    if (details.prompt.name !== 'login') {
      // Consent is granted by loadExistingGrant; any other prompt has nothing to ask.
      await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
      return;
    }
    if (req.method === 'GET') return page(res, 200, action);
    if (req.method !== 'POST' || req.url !== action) {
      res.writeHead(405).end();
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    const login = form.get('login') ?? '';
    const user = byName.get(login);
    const given = createHash('sha256').update(form.get('password') ?? '').digest();
    // Hashes of equal length make the comparison constant-time whatever was typed.
    if (!user || !timingSafeEqual(given, expected)) {
      return page(res, 401, action, { error: 'Unknown user or wrong password.', selected: login });
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.ref } }, { mergeWithLastSubmission: false });
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new Error('login form must be urlencoded');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('login form too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
