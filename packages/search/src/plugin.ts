import { ServiceUnavailableError, toHttpResponse, type Handler, type PortalContext, type PortalPlugin } from '@portalkit/core';
import { ANNOTATION_TECHDOCS_REF, catalogServiceRef, type Entity, stringifyEntityRef } from '@portalkit/catalog-model';
import { techdocsServiceRef } from '@portalkit/techdocs/events';
import { catalogCollator } from './collators/catalog.js';
import { techdocsCollator } from './collators/techdocs.js';
import type { TechDocsSite } from './collators/techdocs.js';
import { readSearchConfig } from './config.js';
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
export interface SearchPluginOptions extends Omit<SearchOptions, 'collators'> {
  /** One per document type; without it, the catalog (and TechDocs, when its plugin runs) from the portal. */
  collators?: SearchOptions['collators'];
  /** Default `/api/search`, Backstage's. */
  basePath?: string;
}

/**
 * Search as a portal plugin (`id: 'search'`): serves `GET /api/search/query`, and on
 * `portal.start()` subscribes to the portal's event bus (unless `events` is given) and rebuilds.
 * Requests are identified and authorized with `options.auth ?? context.auth` (see `forPrincipal`).
 * The returned plugin also carries the `search` itself, for direct queries.
 *
 * Created without `collators` (`searchPlugin()`), it indexes at `start()` the catalog that
 * `catalogPlugin()` provided before it and, when `techdocsPlugin()` runs before it, the built
 * docs sites (each new build is indexed from its event); the config's `search` keys are
 * reported as ignored. Its `search` exists from `start()` on, and the API answers 503 until then.
 *
 * @example
 * ```ts
 * const portal = createPortal({ plugins: [catalogPlugin(...), searchPlugin({ collators: [catalogCollator({ getEntities })] })] });
 * // or, from app-config.yaml:
 * const fromConfig = createPortal({ config: await loadConfig(), plugins: [catalogPlugin(), techdocsPlugin(), searchPlugin()] });
 * ```
 */
export function searchPlugin(options: SearchPluginOptions = {}): PortalPlugin & { search: Search } {
  const basePath = options.basePath ?? '/api/search';
  const { collators } = options;
  let search: Search | undefined = collators ? createSearch({ ...options, collators }) : undefined;
  let handler: Handler | undefined = search?.handler({ basePath });
  const plugin = {
    id: 'search',
    basePath,
    handler: (request: Request) =>
      handler ? handler(request) : Promise.resolve(toHttpResponse(new ServiceUnavailableError('Search is starting; try again shortly'), request)),
    start: (context: PortalContext) => {
      if (!search) {
        search = createSearch({ ...options, collators: collatorsFromPortal(context) });
        handler = search.handler({ basePath });
      }
      return search.start({ events: context.events, logger: context.logger.child({ plugin: 'search' }), auth: context.auth });
    },
    stop: () => search?.stop() ?? Promise.resolve(),
  };
  return Object.defineProperty(plugin, 'search', {
    enumerable: collators !== undefined,
    get(): Search {
      if (!search) throw new ServiceUnavailableError('searchPlugin: search is created from the portal when it starts; call portal.start() first');
      return search;
    },
  }) as typeof plugin & { search: Search };
}

function collatorsFromPortal(context: PortalContext) {
  readSearchConfig(context.config, context.logger);
  const catalog = context.services.get(catalogServiceRef);
  const techdocs = context.services.find(techdocsServiceRef);
  const list = [catalogCollator({ getEntities: async () => (await catalog.getEntities()).items })];
  if (!techdocs) return list;
  // Sites already published when the portal starts; new builds arrive as techdocs.site.built.
  const sites = async () => {
    const { items } = await catalog.getEntities();
    const found: TechDocsSite[] = [];
    for (const entity of items.filter((e: Entity) => e.metadata.annotations?.[ANNOTATION_TECHDOCS_REF])) {
      try {
        const file = await techdocs.publisher.readFile(entity, 'search/search_index.json');
        found.push({ entityRef: stringifyEntityRef(entity), entity, searchIndex: JSON.parse(file.content.toString('utf8')) });
      } catch {
        // Not built yet: it is indexed when its build announces it.
      }
    }
    return found;
  };
  return [...list, techdocsCollator({ sites })];
}
