// A scripted relying party for tests: runs the authorization code flow with PKCE against an
// OpenID Connect provider with plain fetch (a cookie jar, no browser), through the provider's
// real login form.
import { createHash, randomBytes } from 'node:crypto';

export interface SignInOptions {
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** The resource indicator (the portal API's audience). */
  resource?: string;
  login: string;
  password: string;
  scope?: string;
  /** Leave PKCE out of the authorization request (to see the provider refuse it). */
  withoutPkce?: boolean;
}

export interface SignInResult {
  /** The final redirect to the client, when there was one. */
  redirect?: URL;
  /** The login page's last response status (401 for a wrong password). */
  loginStatus: number;
  tokens?: { access_token: string; id_token: string; token_type: string; expires_in: number; scope?: string };
  tokenError?: unknown;
}

/** Follows redirects by hand, keeping the provider's cookies, until it leaves the issuer. */
export async function signIn(options: SignInOptions): Promise<SignInResult> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const send = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader() } });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  };
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const discovery = (await (await fetch(`${options.issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const authorize = new URL(discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: options.scope ?? 'openid profile email portal',
    state,
    nonce: randomBytes(8).toString('hex'),
    ...(options.withoutPkce ? {} : { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }),
    ...(options.resource ? { resource: options.resource } : {}),
  }).toString();

  let response = await send(authorize.href);
  let loginStatus = 0;
  for (let hops = 0; hops < 10; hops += 1) {
    const location = response.headers.get('location');
    if (!location) break;
    const next = new URL(location, response.url || options.issuer);
    if (!next.href.startsWith(options.issuer)) {
      if (next.searchParams.get('state') !== state && next.searchParams.has('code')) throw new Error('state mismatch');
      const code = next.searchParams.get('code');
      if (!code) return { redirect: next, loginStatus };
      const tokenResponse = await fetch(discovery.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: options.redirectUri,
          client_id: options.clientId,
          code_verifier: verifier,
          ...(options.resource ? { resource: options.resource } : {}),
        }),
      });
      const body = await tokenResponse.json();
      return tokenResponse.ok ? { redirect: next, loginStatus, tokens: body as SignInResult['tokens'] } : { redirect: next, loginStatus, tokenError: body };
    }
    response = await send(next.href);
    if (next.pathname.startsWith('/interaction/') && response.status === 200) {
      // The login page: post the form as a browser would.
      const html = await response.text();
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error('no login form');
      response = await send(new URL(action, options.issuer).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: options.login, password: options.password }).toString(),
      });
      loginStatus = response.status;
      if (response.status === 401) return { loginStatus };
    }
  }
  return { loginStatus, redirect: undefined };
}

/** The payload of a JWT, unverified (for assertions only). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}
