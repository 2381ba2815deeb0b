import { type Handler, type PortalPlugin, ServiceUnavailableError, toHttpResponse } from '@portalkit/core';
import { catalogServiceRef } from '@portalkit/catalog-model';
import { catalogOptionsFromConfig } from './config/catalog-from-config.js';
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
  /**
   * Create the catalog at `start()` from the portal config's `catalog` and `integrations`
   * sections, with the options given here winning (e.g. a `store`). Default: true when no
   * catalog options are given (`catalogPlugin()`), else false.
   */
  fromConfig?: boolean;
}

/**
 * The catalog as a portal plugin (`id: 'catalog'`): serves Backstage's catalog REST API at
 * `basePath` (default `/api/catalog`), `start()` runs `catalog.start()` (first refresh, then the
 * scheduled loop) and `stop()` stops it. Catalog events go to the portal's event bus unless
 * `events` is given. Who asks and what they may do come from `auth` when given, else from the
 * portal's (`context.auth`, adopted at `start`; the portal's default allows everything); every
 * route acts through `catalog.forPrincipal(principal)`. With a database-backed `store`, the
 * portal's readiness route pings it. The catalog itself is on `.catalog` for
 * the host, and (for the first catalog plugin of a portal) is provided to the plugins after it as
 * `catalogServiceRef`.
 *
 * Created with no catalog options (`catalogPlugin()`, or with `fromConfig: true`), the plugin
 * reads the portal's config at `start()`: `catalog.locations`, `catalog.rules`,
 * `catalog.providers` and `catalog.processingInterval` in Backstage's shape, and `integrations`
 * (see docs/migrating-from-backstage.md); options given still win. Such a catalog exists from
 * `start()` on (`.catalog` throws before), and the API answers 503 until then.
 *
 * @example
 * ```ts
 * const plugin = catalogPlugin({ rootDir: process.cwd(), locations: [{ type: 'file', target: './catalog-info.yaml' }] });
 * const portal = createPortal({ plugins: [plugin] });
 * await portal.start();
 * await plugin.catalog.query({ filter: { kind: 'component' } });
 * // GET /api/catalog/entities/by-query?filter=kind=component answers the same over HTTP
 * // Or from app-config.yaml's `catalog` section:
 * const fromConfig = createPortal({ config: await loadConfig(), plugins: [catalogPlugin()] });
 * ```
 */
export function catalogPlugin(
  options: CatalogPluginOptions = {},
): PortalPlugin & { catalog: Catalog; basePath: string; handler: Handler } {
  // Handler options are picked out; the rest configures the catalog.
  const { catalog: given, basePath = '/api/catalog', authorize, maxLimit, maxBodyBytes, onError, fromConfig: readConfig, ...catalogOptions } = options;
  const handlerOptions = { basePath, authorize, maxLimit, maxBodyBytes, onError };
  const fromConfig = !given && (readConfig ?? Object.values(catalogOptions).every((value) => value === undefined));
  let catalog: Catalog | undefined = fromConfig ? undefined : (given ?? createCatalog(catalogOptions));
  let handler: Handler | undefined = catalog?.handler(handlerOptions);
  const plugin = {
    id: 'catalog',
    basePath,
    handler: (request) =>
      handler ? handler(request) : Promise.resolve(toHttpResponse(new ServiceUnavailableError('The catalog is starting; try again shortly'), request)),
    async start(context) {
      if (fromConfig && !catalog) {
        const logger = catalogOptions.logger ?? context.logger;
        // Providers' schedules are their own: the catalog runs them and retries failures.
        const { options: built } = catalogOptionsFromConfig(context.config, catalogOptions, logger, context.services);
        catalog = createCatalog(built);
        handler = catalog.handler(handlerOptions);
      }
      // Publishes on the portal's bus and asks the portal's policy unless given their own.
      await catalog!.start({ events: context.events, auth: options.auth ?? context.auth, ...(context.metrics ? { metrics: context.metrics } : {}) });
      // The first catalog plugin is the portal's; a second one (another basePath) serves only itself.
      if (context.services && !context.services.find(catalogServiceRef)) context.services.provide(catalogServiceRef, catalog!);
    },
    async stop() {
      await catalog?.stop();
    },
    // Ready while the store's database answers; a memory store (or a given catalog) has no check.
    ...(catalogOptions.store?.ping ? { readiness: () => catalogOptions.store!.ping!() } : {}),
  } satisfies PortalPlugin & { basePath: string; handler: Handler };
  // Not enumerable from config: wrapping the plugin (`{ ...plugin, handler }`) before start must not throw.
  return Object.defineProperty(plugin, 'catalog', {
    enumerable: !fromConfig,
    get(): Catalog {
      if (!catalog) throw new ServiceUnavailableError('catalogPlugin: the catalog is read from the portal config when the portal starts; call portal.start() first');
      return catalog;
    },
  }) as typeof plugin & { catalog: Catalog };
}
