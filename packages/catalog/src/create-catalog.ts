import { createCatalogLibrary } from './catalog.js';
import { createCatalogHandler } from './http/handler.js';
import type { Catalog, CatalogOptions } from './types.js';

/**
 * Create a catalog: register locations (or connect providers), run `refresh()` (or `start()`),
 * then read with `query`, `getEntities`, `getEntityByRef`, ... The method shapes mirror
 * `@backstage/catalog-client`. Processors are added with `processors` or `use()` until the first
 * run; after that the pipeline is frozen. `catalog.handler()` serves Backstage's catalog REST API.
 *
 * This module only composes: the library (catalog.ts) and its HTTP handler (http/handler.ts)
 * never import each other.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ rootDir: process.cwd() });
 * await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
 * const { items } = await catalog.query({ filter: { kind: 'component', 'spec.type': 'service' } });
 * ```
 */
export function createCatalog(options: CatalogOptions = {}): Catalog {
  const library = createCatalogLibrary(options);
  return Object.assign(library, { handler: (handlerOptions?: Parameters<Catalog['handler']>[0]) => createCatalogHandler(library, handlerOptions) });
}
