import type { PortalPlugin } from '@portalkit/core';
import { createCatalog } from './catalog.js';
import type { Catalog, CatalogOptions } from './types.js';

/**
 * Options of {@link catalogPlugin}: the catalog's own options, or an existing catalog.
 *
 * @example
 * ```ts
 * const options: CatalogPluginOptions = { locations: [{ type: 'file', target: './catalog-info.yaml' }] };
 * ```
 */
export interface CatalogPluginOptions extends CatalogOptions {
  /** Use this catalog instead of creating one from the other options. */
  catalog?: Catalog;
}

/**
 * The catalog as a portal plugin (`id: 'catalog'`): `start()` runs `catalog.start()` (first
 * refresh, then the scheduled loop) and `stop()` stops it. The catalog itself is on `.catalog`
 * for the host and for other plugins.
 *
 * @example
 * ```ts
 * const plugin = catalogPlugin({ rootDir: process.cwd(), locations: [{ type: 'file', target: './catalog-info.yaml' }] });
 * const portal = createPortal({ plugins: [plugin] });
 * await portal.start();
 * await plugin.catalog.query({ filter: { kind: 'component' } });
 * ```
 */
export function catalogPlugin(options: CatalogPluginOptions = {}): PortalPlugin & { catalog: Catalog } {
  const { catalog: given, ...catalogOptions } = options;
  const catalog = given ?? createCatalog(catalogOptions);
  return {
    id: 'catalog',
    catalog,
    async start() {
      await catalog.start();
    },
    async stop() {
      await catalog.stop();
    },
  };
}
