import { createRouter, type Permission, type PortalAuth, type PortalPlugin } from '@portalkit/core';
import { catalogLocationCreatePermission, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Catalog } from '@portalkit/catalog';
import { scaffolderTaskCreatePermission } from '@portalkit/scaffolder';
import type { OidcSettings } from './settings.js';
import { canRunTemplate } from './template-access.js';

/** The basic permissions the UI asks about, by Backstage name: they decide what the page shows. */
const uiPermissions: readonly Permission[] = [catalogLocationCreatePermission, scaffolderTaskCreatePermission];

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  /** The portal's auth (default: the portal's, from `start`). */
  auth?: PortalAuth;
  catalog: Pick<Catalog, 'forPrincipal'>;
  /** The sign-in settings the browser uses; `undefined` while the demo provider is not started yet. */
  oidc: () => OidcSettings | undefined;
}

/**
 * The example portal's `/api/auth` routes:
 * - `GET /api/auth/config`: where the browser signs in (issuer, client id, audience, scope), or
 *   `{ enabled: false }`;
 * - `GET /api/auth/whoami`: the request's principal (type, user entity ref, display name from the
 *   catalog, ownership refs; never claims or tokens), the UI's basic permissions evaluated by the
 *   policy (`allowed`), and per readable template whether the principal may run it. A bad token
 *   is a 401, as on every API.
 *
 * The UI hides what these say is not allowed; the APIs refuse it regardless.
 *
 * @example
 * ```ts
 * createPortal({ auth, plugins: [authPlugin({ catalog, oidc: () => settings }), ...] });
 * ```
 */
export function authPlugin(options: AuthPluginOptions): PortalPlugin {
  let auth = options.auth;
  const router = createRouter({ basePath: '/api/auth' });
  router.get('/config', () => {
    const oidc = options.oidc();
    if (!oidc) return Response.json({ enabled: false });
    return Response.json({
      enabled: true,
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      audience: oidc.audience,
      scope: oidc.scope ?? 'openid profile email',
    });
  });
  router.get('/whoami', async (request) => {
    if (!auth) throw new Error('authPlugin: not started');
    const principal = await auth.identify(request);
    const allowed: Record<string, boolean> = {};
    for (const permission of uiPermissions) allowed[permission.name] = (await auth.authorize(principal, permission)).result === 'ALLOW';
    const catalog = options.catalog.forPrincipal(principal);
    const templates: Record<string, boolean> = {};
    // The templates the principal may see (read as the principal), each with whether it may run it.
    for (const template of (await catalog.getEntities({ filter: { kind: 'template' } })).items) {
      templates[stringifyEntityRef(template)] = await canRunTemplate(auth, principal, template);
    }
    const user = principal.userEntityRef ? await catalog.getEntityByRef(principal.userEntityRef) : undefined;
    const displayName = (user?.spec as { profile?: { displayName?: unknown } } | undefined)?.profile?.displayName;
    return Response.json(
      {
        principal: {
          type: principal.type,
          ...(principal.userEntityRef ? { userEntityRef: principal.userEntityRef } : {}),
          ...(typeof displayName === 'string' ? { displayName } : {}),
          ownershipEntityRefs: principal.ownershipEntityRefs,
        },
        allowed,
        templates,
      },
      { headers: { 'cache-control': 'no-store' } },
    );
  });
  return {
    id: 'auth',
    basePath: '/api/auth',
    handler: router.handler,
    start(context) {
      auth ??= context.auth;
    },
  };
}
