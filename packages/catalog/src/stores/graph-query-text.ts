import { InputError } from '@portalkit/core';
import { GRAPH_LIMITS } from '../graph/graph-limits.js';
import { assertFilterText, assertLookupKeys, assertQueryText } from '../query/query-text.js';
import type { StoreGraphQuery } from './graph-types.js';

/**
 * Check a graph query before a store runs it: text every store can hold, and the bounds of
 * {@link GRAPH_LIMITS}, so a store never walks an unbounded graph whoever calls it.
 *
 * @example
 * ```ts
 * assertGraphQuery({ rootRefs: ['component:default/a'], relationTypes: ['ownedby'], direction: 'outgoing', maxDepth: 1, maxNodes: 100 });
 * ```
 */
export function assertGraphQuery(query: StoreGraphQuery): void {
  if (query === null || typeof query !== 'object') throw new InputError('Invalid graph query: expected an object');
  assertLookupKeys({ refs: query.rootRefs });
  if (query.rootRefs.length > GRAPH_LIMITS.maxRoots) throw new InputError(`Invalid graph query: at most ${GRAPH_LIMITS.maxRoots} root refs`);
  if (!Array.isArray(query.relationTypes) || query.relationTypes.length === 0) {
    throw new InputError('Invalid graph query: relationTypes must name at least one relation type');
  }
  for (const type of query.relationTypes) assertQueryText(type, 'relation type');
  if (!['outgoing', 'incoming', 'both'].includes(query.direction)) throw new InputError('Invalid graph query: direction must be outgoing, incoming or both');
  const bounded = (value: number, max: number, name: string) => {
    if (!Number.isInteger(value) || value < 0 || value > max) throw new InputError(`Invalid graph query: ${name} must be an integer from 0 to ${max}`);
  };
  bounded(query.maxDepth, GRAPH_LIMITS.maxDepth, 'maxDepth');
  bounded(query.maxNodes, GRAPH_LIMITS.maxNodes, 'maxNodes');
  if (query.filter !== undefined) assertFilterText(query.filter);
  if (query.rootFilter !== undefined) assertFilterText(query.rootFilter, 'rootFilter');
}
