import { InputError } from '@portalkit/core';

/**
 * Where the portal's users sign in: any OpenID Connect issuer (the company's IdP, or the demo
 * provider). The browser runs the authorization code flow with PKCE as the public client
 * `clientId`; the API accepts JWT access tokens from `issuer` addressed to `audience`.
 *
 * @example
 * ```ts
 * const oidc: OidcSettings = { issuer: 'https://login.acme.example', clientId: 'portal', audience: 'https://portal.acme.example/api' };
 * ```
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** The access tokens' `aud`, requested as the RFC 8707 `resource`. */
  audience: string;
  /** Default: the issuer's discovery document's `jwks_uri`. */
  jwksUrl?: string;
  /** Default `openid profile email`. */
  scope?: string;
}

/** The demo provider's client id and the portal API's audience (a URN: it names the API, not a host). */
export const EXAMPLE_CLIENT_ID = 'portalkit-example';
export const EXAMPLE_AUDIENCE = 'urn:portalkit:example-portal:api';

/**
 * Reads `PORTALKIT_OIDC_ISSUER`, `PORTALKIT_OIDC_CLIENT_ID`, `PORTALKIT_OIDC_AUDIENCE` and the
 * optional `PORTALKIT_OIDC_JWKS_URL` / `PORTALKIT_OIDC_SCOPE`. No issuer: `undefined` (the example
 * portal then runs its demo provider).
 *
 * @example
 * ```ts
 * const oidc = oidcSettingsFromEnv(process.env);
 * ```
 */
export function oidcSettingsFromEnv(env: Record<string, string | undefined>): OidcSettings | undefined {
  const issuer = env.PORTALKIT_OIDC_ISSUER;
  if (!issuer) return undefined;
  const clientId = env.PORTALKIT_OIDC_CLIENT_ID;
  const audience = env.PORTALKIT_OIDC_AUDIENCE;
  if (!clientId || !audience) {
    throw new InputError('PORTALKIT_OIDC_ISSUER needs PORTALKIT_OIDC_CLIENT_ID and PORTALKIT_OIDC_AUDIENCE too');
  }
  for (const [name, value] of [['PORTALKIT_OIDC_ISSUER', issuer], ['PORTALKIT_OIDC_JWKS_URL', env.PORTALKIT_OIDC_JWKS_URL]] as const) {
    if (value !== undefined && !/^https?:\/\//.test(value)) throw new InputError(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return {
    issuer,
    clientId,
    audience,
    ...(env.PORTALKIT_OIDC_JWKS_URL ? { jwksUrl: env.PORTALKIT_OIDC_JWKS_URL } : {}),
    ...(env.PORTALKIT_OIDC_SCOPE ? { scope: env.PORTALKIT_OIDC_SCOPE } : {}),
  };
}
