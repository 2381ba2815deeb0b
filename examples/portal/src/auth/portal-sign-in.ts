import path from 'node:path';
import { AuthenticationError, anonymousPrincipal, createJwtIdentifier, type Identify, type Logger } from '@portalkit/core';
import { createCatalogOwnershipResolver, type Catalog } from '@portalkit/catalog';
import { loadDemoUsers } from './demo-users.js';
import { startDemoOidcProvider, type DemoOidcProvider } from './oidc-provider.js';
import { EXAMPLE_AUDIENCE, EXAMPLE_CLIENT_ID, type OidcSettings } from './settings.js';

/** Options of {@link createPortalSignIn}. */
export interface PortalSignInOptions {
  /** An external issuer; default: the demo provider, started by {@link PortalSignIn.start}. */
  oidc?: OidcSettings;
  /** The demo org's data folder (for `org/users.yaml`). */
  dataDir: string;
  /** The demo provider's port; default 0 (a free one). */
  port?: number;
  /** The catalog itself (the host's view): ownership is resolved while identifying. */
  catalog: Pick<Catalog, 'getEntitiesByRefs'>;
  logger: Logger;
}

/** Sign-in for the example portal: who the API's requests are, and where the browser signs in. */
export interface PortalSignIn {
  /** The portal's identifier: a verified JWT access token, else anonymous; a bad token is a 401. */
  identify: Identify;
  /** The settings the browser uses; `undefined` until {@link PortalSignIn.start}. */
  settings(): OidcSettings | undefined;
  /** Resolve the issuer's key set, or start the demo provider with the portal's URL as redirect URI. */
  start(portalUrl: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Composes the portal's identity: core's JWT identifier against the issuer's JWKS, with
 * ownership (the user and its groups) resolved from the catalog. With no external issuer it runs
 * the demo OpenID Connect provider, which can only be started once the portal's URL is known
 * (it is the client's redirect URI); until then a request with a token is refused.
 *
 * @example
 * ```ts
 * const signIn = createPortalSignIn({ dataDir, catalog, logger });
 * const auth = createPortalAuth({ identify: signIn.identify, policy });
 * await signIn.start((await portal.listen({ port: 7007 })).url);
 * ```
 */
export function createPortalSignIn(options: PortalSignInOptions): PortalSignIn {
  let settings: OidcSettings | undefined;
  let identifier: Identify | undefined;
  let provider: DemoOidcProvider | undefined;
  const resolveOwnership = createCatalogOwnershipResolver(options.catalog);

  // `typ` pins RFC 9068 access tokens where the issuer is known to issue them (the demo provider,
  // oidc-provider's JWT access tokens carry `typ: at+jwt`), so no ID token passes as one.
  const use = (next: OidcSettings & { jwksUrl: string }, typ?: string) => {
    settings = next;
    identifier = createJwtIdentifier({
      jwksUrl: next.jwksUrl,
      issuer: next.issuer,
      audience: next.audience,
      resolveOwnership,
      logger: options.logger,
      ...(typ ? { typ } : {}),
    });
  };

  return {
    identify(request) {
      if (identifier) return identifier(request);
      if (request.headers.has('authorization')) throw new AuthenticationError('Sign-in is not configured yet');
      return anonymousPrincipal();
    },
    settings: () => settings,
    async start(portalUrl) {
      if (settings) return;
      if (options.oidc) {
        use({ ...options.oidc, jwksUrl: options.oidc.jwksUrl ?? (await discoverJwksUrl(options.oidc.issuer)) });
        return;
      }
      const users = await loadDemoUsers(path.join(options.dataDir, 'org/users.yaml'));
      const base = portalUrl.replace(/\/+$/, '');
      // The same portal opened as localhost or 127.0.0.1: both are its redirect URIs.
      const redirectUris = [`${base}/`, ...(base.includes('//127.0.0.1:') ? [`${base.replace('//127.0.0.1:', '//localhost:')}/`] : [])];
      provider = await startDemoOidcProvider({
        users,
        client: { clientId: EXAMPLE_CLIENT_ID, redirectUris },
        audience: EXAMPLE_AUDIENCE,
        port: options.port ?? 0,
        logger: options.logger,
      });
      use({ issuer: provider.issuer, clientId: EXAMPLE_CLIENT_ID, audience: EXAMPLE_AUDIENCE, jwksUrl: provider.jwksUrl }, 'at+jwt');
    },
    async stop() {
      await provider?.close();
      provider = undefined;
      settings = undefined;
      identifier = undefined;
    },
  };
}

/**
 * The issuer's `jwks_uri` from its discovery document. The document must name the configured
 * issuer exactly (OpenID Connect Discovery 1.0 §4.3): a document claiming another issuer (a
 * misconfiguration, or a server impersonating one) stops the portal from starting, rather than
 * trusting keys the configured issuer never vouched for.
 */
async function discoverJwksUrl(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`OIDC discovery failed: ${url} answered ${response.status}`);
  let document: { issuer?: unknown; jwks_uri?: unknown };
  try {
    document = (await response.json()) as typeof document;
  } catch {
    throw new Error(`OIDC discovery failed: ${url} is not a JSON document`);
  }
  if (document === null || typeof document !== 'object') throw new Error(`OIDC discovery failed: ${url} is not a JSON object`);
  if (document.issuer !== issuer) {
    const named = typeof document.issuer === 'string' ? JSON.stringify(document.issuer.slice(0, 200)) : 'no issuer';
    throw new Error(
      `OIDC discovery failed: ${url} names ${named}, not the configured issuer ${JSON.stringify(issuer)} (they must be identical, OpenID Connect Discovery §4.3)`,
    );
  }
  const jwksUri = document.jwks_uri;
  if (typeof jwksUri !== 'string') throw new Error(`OIDC discovery: ${url} has no jwks_uri`);
  return jwksUri;
}
