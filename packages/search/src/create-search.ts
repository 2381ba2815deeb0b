import { createSearchHandler } from './http.js';
import { createSearchLibrary } from './search.js';
import type { Search, SearchOptions } from './search.js';

/**
 * Create a search over the given collators. Catalog and docs changes published on the event bus
 * update only the documents they touch; `rebuild()` re-collects everything on demand. An event that
 * arrives while its type is being rebuilt is applied again once the rebuild lands, so a rebuild never
 * brings back a document deleted meanwhile. This module only composes the library (search.ts) and
 * its HTTP handler (http.ts), which never import each other.
 *
 * @example
 * ```ts
 * const search = createSearch({
 *   collators: [
 *     catalogCollator({ getEntities: () => entities }),
 *     techdocsCollator({ sites: () => builtSites }),
 *   ],
 *   events: bus,
 * });
 * await search.start();
 * await bus.publish('catalog.entity.deleted', { entityRef: 'component:default/old' });
 * ```
 */
export function createSearch(options: SearchOptions): Search {
  const library = createSearchLibrary(options);
  return Object.assign(library, {
    handler: (handlerOptions: { basePath?: string } = {}) =>
      createSearchHandler({
        query: (q, principal) => (principal ? library.forPrincipal(principal).query(q) : library.query(q)),
        identify: (request) => library.auth().identify(request),
        types: library.types,
        basePath: handlerOptions.basePath,
      }),
  });
}
