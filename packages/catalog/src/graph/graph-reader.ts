import type { Entity } from '@portalkit/catalog-model';
import { hideUnreadableRelations, refKeyOrUndefined, relationFilterAsSeen } from '../entities/readable-refs.js';
import { parseFieldsQuery, projectEntity } from '../query/fields.js';
import { parseEntityFilterQuery, parseFilterPredicate } from '../query/filter.js';
import type { EntityFilter } from '../query/types.js';
import type { CatalogStore } from '../stores/types.js';
import { encodeGraphCursor, normalizeGraphRequest, type EntityGraphResult } from './entity-graph.js';

/** Options of {@link createGraphReader}. */
export interface GraphReaderOptions {
  store: CatalogStore;
  /** The caller's read scope (see `EntitiesReaderOptions.readFilter`): entities outside it are neither returned nor walked through. */
  readFilter?: () => Promise<EntityFilter | undefined>;
}

/**
 * `queryGraph` of a catalog view: checks the request, has the store walk the graph with the
 * caller's filter ANDed with its read scope (so a hidden entity is never a node and never a
 * bridge to others), then reads the page's entities. Each page walks again: the walk is bounded
 * by `maxNodes`, and a cursor stays valid without server state.
 *
 * @example
 * ```ts
 * const { queryGraph } = createGraphReader({ store });
 * const page = await queryGraph({ rootEntityRefs: ['system:default/shop'], relations: ['hasPart'], maxDepth: 2 });
 * ```
 */
export function createGraphReader(options: GraphReaderOptions): { queryGraph(request: unknown): Promise<EntityGraphResult> } {
  const { store } = options;
  const scope = options.readFilter ?? (async () => undefined);
  return {
    async queryGraph(input) {
      const { request, offset, limit, fields } = normalizeGraphRequest(input);
      const projection = parseFieldsQuery(fields);
      const readFilter = await scope();
      const rootRefs = [...new Set(request.rootEntityRefs.map(refKeyOrUndefined).filter((r): r is string => r !== undefined))];
      const asked = and(parseEntityFilterQuery(request.filter), request.query ? parseFilterPredicate(request.query) : undefined);
      const filter = and(await relationFilterAsSeen(store, asked, readFilter), readFilter);
      const typeOf = new Map(request.relations.map((t) => [t.toLowerCase(), t]));
      const graph = await store.queryGraph({
        rootRefs,
        relationTypes: [...typeOf.keys()],
        direction: request.direction,
        maxDepth: request.maxDepth,
        maxNodes: request.maxNodes,
        ...(filter ? { filter } : {}),
        ...(readFilter ? { rootFilter: readFilter } : {}),
      });
      const page = graph.nodes.slice(offset, offset + limit);
      const onPage = new Set(page.map((n) => n.entityRef));
      const rows = new Map((await store.getEntities({ refs: [...onPage] })).map((r) => [r.entityRef, r]));
      // A node deleted between the walk and this read is left out rather than shown empty.
      const present = page.filter((n) => rows.has(n.entityRef));
      const entities = await hideUnreadableRelations(
        store,
        present.map((n): Entity => {
          const entity = rows.get(n.entityRef)!.entity;
          return projection ? projectEntity(entity, projection) : structuredClone(entity);
        }),
        readFilter,
      );
      const next = offset + limit;
      return {
        nodes: present.map((n, i) => ({ entityRef: n.entityRef, depth: n.depth, entity: entities[i]! })),
        edges: graph.edges
          .filter((e) => onPage.has(e.sourceRef))
          .map((e) => ({ sourceEntityRef: e.sourceRef, type: typeOf.get(e.type) ?? e.type, targetEntityRef: e.targetRef })),
        totalNodes: graph.nodes.length,
        truncated: graph.truncated,
        pageInfo: next < graph.nodes.length ? { nextCursor: encodeGraphCursor(request, next) } : {},
      };
    },
  };
}

function and(a: EntityFilter | undefined, b: EntityFilter | undefined): EntityFilter | undefined {
  return a && b ? { allOf: [a, b] } : (a ?? b);
}
