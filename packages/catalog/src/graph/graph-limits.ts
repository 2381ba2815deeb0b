/**
 * Bounds of a relation-graph query, the same on every store and for every caller: they keep one
 * request's work and answer bounded whatever a client asks.
 *
 * @example
 * ```ts
 * if (depth > GRAPH_LIMITS.maxDepth) throw new InputError('too deep');
 * ```
 */
export const GRAPH_LIMITS = Object.freeze({
  /** Root refs of one query. */
  maxRoots: 1000,
  /** Relation types of one query. */
  maxRelationTypes: 32,
  /** Levels beyond the roots. */
  maxDepth: 10,
  /** Nodes of one graph (the `maxNodes` a caller may ask for, and its default). */
  maxNodes: 10_000,
  defaultMaxNodes: 1000,
  /** Nodes of one page (`limit`), and its default. */
  maxPageSize: 1000,
  defaultPageSize: 200,
});
