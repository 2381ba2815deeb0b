import type { PortalPlugin } from '@portalkit/core';
import { createSearch } from './create-search.js';
import type { Search, SearchOptions } from './search.js';

/**
 * Options of {@link searchPlugin}: those of `createSearch`, plus where to mount the HTTP API.
 *
 * @example
 * ```ts
 * const options: SearchPluginOptions = { collators: [catalogCollator({ getEntities })], basePath: '/api/search' };
 * ```
 */
export interface SearchPluginOptions extends SearchOptions {
  /** Default `/api/search`, Backstage's. */
  basePath?: string;
}

/**
 * Search as a portal plugin (`id: 'search'`): serves `GET /api/search/query`, and on
 * `portal.start()` subscribes to the portal's event bus (unless `events` is given) and rebuilds.
 * Requests are identified and authorized with `options.auth ?? context.auth` (see `forPrincipal`).
 * The returned plugin also carries the `search` itself, for direct queries.
 *
 * @example
 * ```ts
 * const portal = createPortal({ plugins: [catalogPlugin(...), searchPlugin({ collators: [catalogCollator({ getEntities })] })] });
 * ```
 */
export function searchPlugin(options: SearchPluginOptions): PortalPlugin & { search: Search } {
  const basePath = options.basePath ?? '/api/search';
  const search = createSearch(options);
  return {
    id: 'search',
    basePath,
    search,
    handler: search.handler({ basePath }),
    start: (context) =>
      search.start({ events: context.events, logger: context.logger.child({ plugin: 'search' }), auth: context.auth }),
    stop: () => search.stop(),
  };
}
