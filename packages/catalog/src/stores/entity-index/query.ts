import type { StoreEntityPage, StoreEntityQuery } from '../types.js';
import type { Candidates, FilterIndex } from './filters.js';
import { keyOf, makeComparator } from './order.js';
import type { Keyed, SortedOrders } from './order.js';
import { textMatches } from './text.js';
import type { ValueIndex } from './value-index.js';

/** What a query reads: the rows and their indexes, filter evaluation, cached orders. */
export interface EntityQueryParts {
  values: ValueIndex;
  filters: FilterIndex;
  orders: SortedOrders;
}

/**
 * The store's `queryEntities` over the index: filter, full text, order, keyset cursor, offset,
 * limit and total. A large candidate set is walked in a cached global order; a small one is
 * sorted directly.
 */
export function createEntityQuery({ values, filters, orders }: EntityQueryParts): (q: StoreEntityQuery) => StoreEntityPage {
  const { byUid, bitmaps } = values;
  const { candidates, compile, conjunctionSets } = filters;
  const { sortedUids } = orders;

  function query(q: StoreEntityQuery): StoreEntityPage {
    const order = (q.order ?? []).map((o) => ({ ...o, field: o.field.toLowerCase() }));
    const uidOrder = q.uidOrder ?? 'asc';
    const cmp = makeComparator(order, uidOrder);
    const filter = q.filter;
    let cand: Candidates = filter ? candidates(filter) : { set: 'all', exact: true };
    const term = q.fullText?.term.trim().toLowerCase();
    const textSet = term ? textMatches(values, term, (q.fullText?.fields ?? []).map((f) => f.toLowerCase())) : undefined;
    let filterMatch = filter && !cand.exact ? compile(filter, cand.covered) : undefined;
    if (textSet && (cand.set === 'all' || textSet.size < cand.set.size)) {
      // Walk the text matches instead; the whole filter is then checked on each.
      if (filter) filterMatch = compile(filter);
      cand = { set: textSet, exact: !filter };
    }
    const matches = (uid: string) => {
      if (filterMatch && !filterMatch(uid)) return false;
      if (textSet && !textSet.has(uid)) return false;
      return true;
    };
    const exactSet = cand.exact && !term;
    const candidateCount = cand.set === 'all' ? byUid.size : cand.set.size;
    const offset = Math.max(0, q.offset ?? 0);
    const want = q.limit === undefined ? Infinity : Math.max(0, q.limit) + offset;
    const afterKey = q.after ? { key: [...q.after.values], uid: q.after.uid } : undefined;

    let selected: Keyed[];
    let total: number | undefined;
    // A large candidate set is walked in a cached global order; a small one is sorted directly.
    if (cand.set === 'all' || (candidateCount > 256 && candidateCount * 8 > byUid.size)) {
      const sorted = sortedUids(order, uidOrder);
      const set = cand.set;
      let start = 0;
      if (afterKey) {
        let lo = 0;
        let hi = sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          const item = byUid.get(sorted[mid]!)!;
          if (cmp({ key: keyOf(item, order), uid: item.row.uid }, afterKey) <= 0) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
      selected = [];
      for (let i = start; i < sorted.length && selected.length < want; i++) {
        const uid = sorted[i]!;
        if (set !== 'all' && !set.has(uid)) continue;
        if (!matches(uid)) continue;
        selected.push({ key: [], uid });
      }
      for (const s of selected) s.key = keyOf(byUid.get(s.uid)!, order);
      if (q.includeTotal) {
        const sets = exactSet || term || !filter ? undefined : conjunctionSets(filter);
        if (exactSet) total = candidateCount;
        else if (sets) total = sets.length ? bitmaps.intersectionSize(sets) : byUid.size;
        else {
          total = 0;
          for (const uid of set === 'all' ? byUid.keys() : set) if (matches(uid)) total++;
        }
      }
    } else {
      const list: Keyed[] = [];
      let count = 0;
      for (const uid of cand.set) {
        if (!byUid.has(uid) || !matches(uid)) continue;
        count++;
        const entry = { key: keyOf(byUid.get(uid)!, order), uid };
        if (afterKey && cmp(entry, afterKey) <= 0) continue;
        list.push(entry);
      }
      list.sort(cmp);
      selected = list.slice(0, want === Infinity ? undefined : want);
      if (q.includeTotal) total = count;
    }
    const page = selected.slice(offset);
    return {
      items: page.map((s) => byUid.get(s.uid)!.row),
      sortKeys: page.map((s) => s.key),
      ...(total !== undefined ? { totalItems: total } : {}),
    };
  }

  return query;
}
