import { createPortalAuth } from '@portalkit/core';
import type { Logger, PortalAuth } from '@portalkit/core';
import type { Catalog } from '@portalkit/catalog';
import { createDemoPolicy } from './demo-policy.js';
import { createPortalSignIn } from './portal-sign-in.js';
import type { PortalSignIn } from './portal-sign-in.js';
import type { OidcSettings } from './settings.js';

/** Options of {@link createExampleAuth}. */
export interface ExampleAuthOptions {
  /** An external issuer; default: the demo provider. */
  oidc?: OidcSettings;
  /** The demo provider's port; default `port + 1` (0 when `port` is 0 or unset). */
  oidcPort?: number;
  /** The portal's port. */
  port?: number;
  /** The demo org's data folder (for `org/users.yaml`). */
  dataDir: string;
  catalog: Catalog;
  logger: Logger;
}

/**
 * The example portal's identity and permissions: sign-in (the issuer, or the demo provider) and
 * the portal's auth with the demo policy.
 *
 * @example
 * ```ts
 * const { signIn, auth } = createExampleAuth({ dataDir, catalog, logger });
 * const portal = createPortal({ plugins, logger, auth });
 * ```
 */
export function createExampleAuth(options: ExampleAuthOptions): { signIn: PortalSignIn; auth: PortalAuth } {
  const { logger } = options;
  const signIn = createPortalSignIn({
    oidc: options.oidc,
    dataDir: options.dataDir,
    port: options.oidcPort ?? (options.port ? options.port + 1 : 0),
    catalog: options.catalog,
    logger: logger.child({ plugin: 'oidc' }),
  });
  const auth = createPortalAuth({ identify: signIn.identify, policy: createDemoPolicy(), logger: logger.child({ plugin: 'auth' }) });
  return { signIn, auth };
}
