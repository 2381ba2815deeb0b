import type { Handler, PortalPlugin } from '@portalkit/core';
import { createCatalog } from './create-catalog.js';
import type { CatalogHandlerOptions } from './http/options.js';
import type { Catalog, CatalogOptions } from './types.js';

/**
 * Options of {@link catalogPlugin}: the catalog's own options (or an existing catalog), and how
 * its HTTP API is served.
 *
 * @example
 * ```ts
 * const options: CatalogPluginOptions = {
 *   locations: [{ type: 'file', target: './catalog-info.yaml' }],
 *   authorize: (request, action) => action === 'read',
 * };
 * ```
 */
export interface CatalogPluginOptions extends CatalogOptions, Omit<CatalogHandlerOptions, 'basePath'> {
  /** Use this catalog instead of creating one from the other options. */
  catalog?: Catalog;
  /** Mount point of the catalog API; default `/api/catalog`. */
  basePath?: string;
}

/**
 * The catalog as a portal plugin (`id: 'catalog'`): serves Backstage's catalog REST API at
 * `basePath` (default `/api/catalog`), `start()` runs `catalog.start()` (first refresh, then the
 * scheduled loop) and `stop()` stops it. Catalog events go to the portal's event bus unless
 * `events` is given. Who asks and what they may do come from `auth` when given, else from the
 * portal's (`context.auth`, adopted at `start`; the portal's default allows everything); every
 * route acts through `catalog.forPrincipal(principal)`. With a database-backed `store`, the
 * portal's readiness route pings it. The catalog itself is on `.catalog` for
 * the host and for other plugins.
 *
 * @example
 * ```ts
 * const plugin = catalogPlugin({ rootDir: process.cwd(), locations: [{ type: 'file', target: './catalog-info.yaml' }] });
 * const portal = createPortal({ plugins: [plugin] });
 * await portal.start();
 * await plugin.catalog.query({ filter: { kind: 'component' } });
 * // GET /api/catalog/entities/by-query?filter=kind=component answers the same over HTTP
 * ```
 */
export function catalogPlugin(
  options: CatalogPluginOptions = {},
): PortalPlugin & { catalog: Catalog; basePath: string; handler: Handler } {
  // Handler options are picked out; the rest configures the catalog.
  const { catalog: given, basePath = '/api/catalog', authorize, maxLimit, maxBodyBytes, onError, ...catalogOptions } = options;
  const catalog = given ?? createCatalog(catalogOptions);
  return {
    id: 'catalog',
    catalog,
    basePath,
    handler: catalog.handler({ basePath, authorize, maxLimit, maxBodyBytes, onError }),
    async start(context) {
      // Publishes on the portal's bus and asks the portal's policy unless given their own.
      await catalog.start({ events: context.events, auth: options.auth ?? context.auth, ...(context.metrics ? { metrics: context.metrics } : {}) });
    },
    async stop() {
      await catalog.stop();
    },
    // Ready while the store's database answers; a memory store (or a given catalog) has no check.
    ...(catalogOptions.store?.ping ? { readiness: () => catalogOptions.store!.ping!() } : {}),
  };
}
