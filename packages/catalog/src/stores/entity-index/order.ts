import type { StoreOrder } from '../types.js';
import type { Indexed } from './value-index.js';

/** A page entry: its sort key (one value per order field) and uid. */
export interface Keyed {
  key: (string | null)[];
  uid: string;
}

/** The smallest value of `field` on the entity (its sort value), or null. */
function sortValue(item: Indexed, field: string): string | null {
  let best: string | null = null;
  for (let i = 0; i < item.keys.length; i++) {
    if (item.keys[i] !== field) continue;
    const v = item.values[i];
    if (v !== null && v !== undefined && (best === null || v < best)) best = v;
  }
  return best;
}

/** Compares sort keys by `order` (nulls as asked), then uids by `uidOrder`. */
export function makeComparator(order: readonly StoreOrder[], uidOrder: 'asc' | 'desc') {
  return (a: Keyed, b: Keyed) => {
    for (let i = 0; i < order.length; i++) {
      const o = order[i]!;
      const va = a.key[i] ?? null;
      const vb = b.key[i] ?? null;
      if (va === vb) continue;
      const nullsFirst = o.nulls === 'first';
      if (va === null) return nullsFirst ? -1 : 1;
      if (vb === null) return nullsFirst ? 1 : -1;
      const c = va < vb ? -1 : 1;
      return o.order === 'desc' ? -c : c;
    }
    if (a.uid === b.uid) return 0;
    const c = a.uid < b.uid ? -1 : 1;
    return uidOrder === 'desc' ? -c : c;
  };
}

/** The entity's sort key under `order` (fields lower-cased). */
export function keyOf(item: Indexed, order: readonly StoreOrder[]) {
  return order.map((o) => sortValue(item, o.field.toLowerCase()));
}

/** Every uid in one order, computed once per ordering and dropped on writes. */
export interface SortedOrders {
  sortedUids(order: readonly StoreOrder[], uidOrder: 'asc' | 'desc'): string[];
  /** Drop the cached orders (after a write). */
  invalidate(): void;
}

/** Cached global orders over the entities of `byUid`. */
export function createSortedOrders(byUid: ReadonlyMap<string, Indexed>): SortedOrders {
  let sortedCache = new Map<string, string[]>();
  return {
    sortedUids(order, uidOrder) {
      const cacheKey = JSON.stringify([order, uidOrder]);
      const cached = sortedCache.get(cacheKey);
      if (cached) return cached;
      const cmp = makeComparator(order, uidOrder);
      const entries = [...byUid.values()].map((item) => ({ key: keyOf(item, order), uid: item.row.uid }));
      entries.sort(cmp);
      const uids = entries.map((e) => e.uid);
      sortedCache.set(cacheKey, uids);
      return uids;
    },
    invalidate() {
      if (sortedCache.size) sortedCache = new Map();
    },
  };
}
