import type { EntityFilter } from '../query/types.js';

/**
 * A relation-graph walk as a store runs it (see `CatalogStore.queryGraph`). Refs and relation
 * types are lowercase (the search rows' `relations.<type>` keys); the catalog checks and
 * normalises a caller's request before it reaches the store.
 *
 * @example
 * ```ts
 * const q: StoreGraphQuery = { rootRefs: ['system:default/shop'], relationTypes: ['haspart'], direction: 'outgoing', maxDepth: 2, maxNodes: 1000 };
 * ```
 */
export interface StoreGraphQuery {
  rootRefs: readonly string[];
  /** Relation types to follow (lowercase, at least one). */
  relationTypes: readonly string[];
  /** `outgoing`: from an entity to its relations' targets; `incoming`: to the entities whose relations target it; `both`. */
  direction: 'outgoing' | 'incoming' | 'both';
  /** Levels to walk beyond the roots (1 = direct neighbours). */
  maxDepth: number;
  /** Entities the walk may reach (and go on from), besides the roots. */
  filter?: EntityFilter;
  /** Roots the walk may start from (the caller's read scope). */
  rootFilter?: EntityFilter;
  /** At most this many nodes; whole levels beyond it are left out and `truncated` is set. */
  maxNodes: number;
}

/**
 * The answer to a {@link StoreGraphQuery}: nodes in (depth, ref) order, and every relation of the
 * chosen types between two of them, in (source, type, target) order.
 *
 * @example
 * ```ts
 * const { nodes, edges, truncated } = await store.queryGraph(q);
 * ```
 */
export interface StoreGraphResult {
  nodes: { entityRef: string; depth: number }[];
  edges: { sourceRef: string; type: string; targetRef: string }[];
  truncated: boolean;
}
