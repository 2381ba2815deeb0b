import type { EntityFilter } from '../../query/types.js';
import type { FinalEntityRow } from '../types.js';
import { countFacets } from './facets.js';
import { createFilterIndex } from './filters.js';
import { createGraphWalk } from './graph.js';
import { createSortedOrders } from './order.js';
import { createEntityQuery } from './query.js';
import { createValueIndex } from './value-index.js';

/**
 * In-memory index over final entities: ref and uid maps, a key -> value -> uids index per key
 * (built when a query first reads the key, then kept up to date on every write), and sorted
 * uid lists per ordering, built lazily and dropped on writes.
 * Filter queries only touch the uids of their most selective leaf, so a query on 100k entities
 * never scans everything.
 */
export function createEntityIndex() {
  const values = createValueIndex();
  const filters = createFilterIndex(values);
  const orders = createSortedOrders(values.byUid);
  const { byUid, uidByRef } = values;

  return {
    put(rows: readonly FinalEntityRow[]) {
      for (const row of rows) values.put(row);
      if (rows.length) orders.invalidate();
    },
    delete(refs: readonly string[]) {
      for (const ref of refs) {
        const uid = uidByRef.get(ref);
        if (uid !== undefined) values.remove(uid);
      }
      if (refs.length) orders.invalidate();
    },
    getByRef: (ref: string) => {
      const uid = uidByRef.get(ref);
      return uid === undefined ? undefined : byUid.get(uid)?.row;
    },
    getByUid: (uid: string) => byUid.get(uid)?.row,
    query: createEntityQuery({ values, filters, orders }),
    graph: createGraphWalk(values, filters),
    facets: (facetKeys: readonly string[], filter: EntityFilter | undefined) => countFacets(values, filters, facetKeys, filter),
    get size() {
      return byUid.size;
    },
  };
}
