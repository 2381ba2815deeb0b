import type { EntityFilter } from '../query/types.js';
import { buildEntitySearch } from '../query/search.js';
import { createUidBitmaps } from './uid-bitmaps.js';
import type { FinalEntityRow, StoreEntityPage, StoreEntityQuery, StoreOrder } from './types.js';

interface Indexed {
  row: FinalEntityRow;
  keys: string[];
  values: (string | null)[];
}

/** `covered`: the allOf child whose exact matches `set` is, so matching need not check it again. */
type Candidates = { set: ReadonlySet<string> | 'all'; exact: boolean; covered?: EntityFilter };

/**
 * The uids holding one value. Most values (names, uids, etags, titles) belong to a single
 * entity, so a lone uid is kept as a string and only shared values get a Set: that saves most
 * of the allocations (and memory) of a 100k-entity index.
 */
type Bag = string | Set<string>;
const bagHas = (bag: Bag | undefined, uid: string) => (typeof bag === 'string' ? bag === uid : (bag?.has(uid) ?? false));
const bagSize = (bag: Bag | undefined) => (bag === undefined ? 0 : typeof bag === 'string' ? 1 : bag.size);
const bagSet = (bag: Bag | undefined): ReadonlySet<string> =>
  bag === undefined ? new Set() : typeof bag === 'string' ? new Set([bag]) : bag;

/**
 * In-memory index over final entities: ref and uid maps, a key -> value -> uids index per key
 * (built when a query first reads the key, then kept up to date on every write), and sorted
 * uid lists per ordering, built lazily and dropped on writes.
 * Filter queries only touch the uids of their most selective leaf, so a query on 100k entities
 * never scans everything.
 */
export function createEntityIndex() {
  const byUid = new Map<string, Indexed>();
  const uidByRef = new Map<string, string>();
  const valueIndex = new Map<string, Map<string, Bag>>();
  const keyIndex = new Map<string, Set<string>>();
  const originals = new Map<string, Map<string, string>>();
  const keyPool = new Map<string, string>();
  const bitmaps = createUidBitmaps();
  let sortedCache = new Map<string, string[]>();

  const intern = (key: string) => {
    const pooled = keyPool.get(key);
    if (pooled !== undefined) return pooled;
    keyPool.set(key, key);
    return key;
  };

  // Per-key indexes are built the first time a query reads that key, then kept up to date:
  // most keys (uids, etags, annotations, relations) are never filtered on, and building all
  // of them on every write cost a Map or Set entry per search row (most of a 100k ingest's
  // index memory and time).
  const built = new Set<string>();

  function indexRow(key: string, value: string | null, uid: string) {
    let set = keyIndex.get(key);
    if (!set) keyIndex.set(key, (set = new Set()));
    if (!set.has(uid)) {
      set.add(uid);
      bitmaps.added(set, uid);
    }
    if (value === null) return;
    let byValue = valueIndex.get(key);
    if (!byValue) valueIndex.set(key, (byValue = new Map()));
    const bag = byValue.get(value);
    if (bag === undefined) byValue.set(value, uid);
    else if (typeof bag === 'string') {
      if (bag !== uid) byValue.set(value, new Set([bag, uid]));
    } else if (!bag.has(uid)) {
      bag.add(uid);
      bitmaps.added(bag, uid);
    }
  }

  function unindexRow(key: string, value: string | null | undefined, uid: string) {
    const keySet = keyIndex.get(key);
    if (keySet?.delete(uid)) bitmaps.removed(keySet, uid);
    if (value === null || value === undefined) return;
    const byValue = valueIndex.get(key);
    const bag = byValue?.get(value);
    if (bag === uid) byValue!.delete(value);
    else if (typeof bag === 'object') {
      if (bag.delete(uid)) bitmaps.removed(bag, uid);
      if (bag.size === 1) byValue!.set(value, bag.values().next().value!);
      else if (bag.size === 0) byValue!.delete(value);
    }
  }

  /** Build the indexes of `key` from the entities' search rows, once. */
  function ensure(key: string) {
    if (built.has(key)) return;
    built.add(key);
    for (const item of byUid.values()) {
      for (let i = 0; i < item.keys.length; i++) if (item.keys[i] === key) indexRow(key, item.values[i]!, item.row.uid);
    }
  }
  const keySetOf = (key: string) => {
    ensure(key);
    return keyIndex.get(key);
  };
  const valuesOf = (key: string) => {
    ensure(key);
    return valueIndex.get(key);
  };

  function remove(uid: string) {
    const item = byUid.get(uid);
    if (!item) return;
    byUid.delete(uid);
    uidByRef.delete(item.row.entityRef);
    for (let i = 0; i < item.keys.length; i++) {
      const key = item.keys[i]!;
      if (built.has(key)) unindexRow(key, item.values[i], uid);
    }
    bitmaps.release(uid);
  }

  function put(row: FinalEntityRow) {
    const previousUid = uidByRef.get(row.entityRef);
    if (previousUid !== undefined) remove(previousUid);
    remove(row.uid);
    bitmaps.assign(row.uid);
    const rows = buildEntitySearch(row.entity);
    const keys: string[] = new Array(rows.length);
    const values: (string | null)[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const key = intern(r.key);
      keys[i] = key;
      values[i] = r.value;
      if (built.has(key)) indexRow(key, r.value, row.uid);
      // Only values whose written case differs need remembering for facets.
      if (r.value !== null && r.original !== null && r.original !== r.value) {
        let orig = originals.get(key);
        if (!orig) originals.set(key, (orig = new Map()));
        if (!orig.has(r.value)) orig.set(r.value, r.original);
      }
    }
    byUid.set(row.uid, { row, keys, values });
    uidByRef.set(row.entityRef, row.uid);
  }

  function invalidate() {
    if (sortedCache.size) sortedCache = new Map();
  }

  /**
   * A filter as a function of a uid, with its index lookups done once: checking the 27k
   * candidates of a two-leaf filter is then one Set lookup each, not eight Map lookups.
   * `covered` is a child of a top-level allOf that the candidates already satisfy.
   */
  function compile(filter: EntityFilter, covered?: EntityFilter): (uid: string) => boolean {
    // One-child groups pass `covered` through, as candidates() does (parsed queries arrive as
    // anyOf[allOf[...]]).
    if ('allOf' in filter && filter.allOf.length === 1 && filter.allOf[0] !== covered) return compile(filter.allOf[0]!, covered);
    if ('anyOf' in filter && filter.anyOf.length === 1) return compile(filter.anyOf[0]!, covered);
    if ('allOf' in filter) {
      const parts = filter.allOf.filter((f) => f !== covered).map((f) => compile(f));
      if (parts.length === 1) return parts[0]!;
      return (uid) => {
        for (const part of parts) if (!part(uid)) return false;
        return true;
      };
    }
    if ('anyOf' in filter) {
      const parts = filter.anyOf.map((f) => compile(f));
      return (uid) => {
        for (const part of parts) if (part(uid)) return true;
        return false;
      };
    }
    if ('not' in filter) {
      const inner = compile(filter.not);
      return (uid) => !inner(uid);
    }
    if ('prefix' in filter) {
      const set = prefixSet(filter.key, filter.prefix);
      return (uid) => set.has(uid);
    }
    if (!filter.values) {
      const set = keySetOf(filter.key);
      return set ? (uid) => set.has(uid) : () => false;
    }
    const byValue = valuesOf(filter.key);
    const bags = byValue ? filter.values.map((v) => byValue.get(v)).filter((b): b is Bag => b !== undefined) : [];
    if (bags.length === 0) return () => false;
    if (bags.length === 1) {
      const bag = bags[0]!;
      return typeof bag === 'string' ? (uid) => uid === bag : (uid) => bag.has(uid);
    }
    return (uid) => bags.some((b) => bagHas(b, uid));
  }

  /** Entities with a value of `key` starting with `prefix`: a walk over the key's distinct values. */
  function prefixSet(key: string, prefix: string): ReadonlySet<string> {
    const out = new Set<string>();
    for (const [value, bag] of valuesOf(key) ?? []) {
      if (value.startsWith(prefix)) for (const uid of bagSet(bag)) out.add(uid);
    }
    return out;
  }

  /** A superset of the matches (or the exact set), found without looking at entities. */
  function candidates(filter: EntityFilter): Candidates {
    if ('allOf' in filter) {
      if (filter.allOf.length === 1) return candidates(filter.allOf[0]!);
      let best: Candidates = { set: 'all', exact: false };
      let bestChild: EntityFilter | undefined;
      for (const child of filter.allOf) {
        const c = candidates(child);
        if (c.set !== 'all' && (best.set === 'all' || c.set.size < best.set.size)) {
          best = c;
          bestChild = child;
        }
      }
      return { set: best.set, exact: false, ...(best.exact && bestChild ? { covered: bestChild } : {}) };
    }
    if ('anyOf' in filter) {
      if (filter.anyOf.length === 1) return candidates(filter.anyOf[0]!);
      const parts = filter.anyOf.map(candidates);
      if (parts.some((p) => p.set === 'all')) return { set: 'all', exact: false };
      const union = new Set<string>();
      for (const p of parts) for (const uid of p.set as ReadonlySet<string>) union.add(uid);
      return { set: union, exact: parts.every((p) => p.exact) };
    }
    if ('not' in filter) return { set: 'all', exact: false };
    if ('prefix' in filter) return { set: prefixSet(filter.key, filter.prefix), exact: true };
    if (!filter.values) return { set: keySetOf(filter.key) ?? new Set(), exact: true };
    const byValue = valuesOf(filter.key);
    if (!byValue) return { set: new Set(), exact: true };
    if (filter.values.length === 1) return { set: bagSet(byValue.get(filter.values[0]!)), exact: true };
    const union = new Set<string>();
    for (const v of filter.values) for (const uid of bagSet(byValue.get(v))) union.add(uid);
    return { set: union, exact: true };
  }

  /**
   * The exact uid sets whose intersection is the filter's matches, when the filter is a
   * conjunction of index lookups (no `not`, no `anyOf` over inexact parts); else undefined.
   */
  function conjunctionSets(filter: EntityFilter): ReadonlySet<string>[] | undefined {
    if ('allOf' in filter) {
      const out: ReadonlySet<string>[] = [];
      for (const child of filter.allOf) {
        const sets = conjunctionSets(child);
        if (!sets) return undefined;
        out.push(...sets);
      }
      return out;
    }
    if ('anyOf' in filter && filter.anyOf.length === 1) return conjunctionSets(filter.anyOf[0]!);
    const c = candidates(filter);
    return c.exact && c.set !== 'all' ? [c.set] : undefined;
  }

  function sortValue(item: Indexed, field: string): string | null {
    let best: string | null = null;
    for (let i = 0; i < item.keys.length; i++) {
      if (item.keys[i] !== field) continue;
      const v = item.values[i];
      if (v !== null && v !== undefined && (best === null || v < best)) best = v;
    }
    return best;
  }

  function makeComparator(order: readonly StoreOrder[], uidOrder: 'asc' | 'desc') {
    return (a: { key: (string | null)[]; uid: string }, b: { key: (string | null)[]; uid: string }) => {
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

  function keyOf(item: Indexed, order: readonly StoreOrder[]) {
    return order.map((o) => sortValue(item, o.field.toLowerCase()));
  }

  function sortedUids(order: readonly StoreOrder[], uidOrder: 'asc' | 'desc'): string[] {
    const cacheKey = JSON.stringify([order, uidOrder]);
    const cached = sortedCache.get(cacheKey);
    if (cached) return cached;
    const cmp = makeComparator(order, uidOrder);
    const entries = [...byUid.values()].map((item) => ({ key: keyOf(item, order), uid: item.row.uid }));
    entries.sort(cmp);
    const uids = entries.map((e) => e.uid);
    sortedCache.set(cacheKey, uids);
    return uids;
  }

  /** Uids with a value containing `term` under one of `fields`: a scan of distinct values, not of entities. */
  function textMatches(term: string, fields: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const field of new Set(fields)) {
      for (const [value, bag] of valuesOf(field) ?? []) {
        if (!value.includes(term)) continue;
        if (typeof bag === 'string') out.add(bag);
        else for (const uid of bag) out.add(uid);
      }
    }
    return out;
  }

  function query(q: StoreEntityQuery): StoreEntityPage {
    const order = (q.order ?? []).map((o) => ({ ...o, field: o.field.toLowerCase() }));
    const uidOrder = q.uidOrder ?? 'asc';
    const cmp = makeComparator(order, uidOrder);
    const filter = q.filter;
    let cand: Candidates = filter ? candidates(filter) : { set: 'all', exact: true };
    const term = q.fullText?.term.trim().toLowerCase();
    const textSet = term ? textMatches(term, (q.fullText?.fields ?? []).map((f) => f.toLowerCase())) : undefined;
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

    let selected: { key: (string | null)[]; uid: string }[];
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
      const list: { key: (string | null)[]; uid: string }[] = [];
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

  function facets(facetKeys: readonly string[], filter: EntityFilter | undefined) {
    let matching: ReadonlySet<string> | undefined;
    if (filter) {
      const cand = candidates(filter);
      if (cand.exact && cand.set !== 'all') matching = cand.set;
      else {
        const set = new Set<string>();
        const match = cand.exact ? () => true : compile(filter, cand.covered);
        for (const uid of cand.set === 'all' ? byUid.keys() : cand.set) if (match(uid)) set.add(uid);
        matching = set;
      }
    }
    const out: Record<string, { value: string; count: number }[]> = {};
    for (const facet of facetKeys) {
      const key = facet.toLowerCase();
      const counts: { value: string; count: number }[] = [];
      for (const [value, bag] of valuesOf(key) ?? []) {
        let count = 0;
        if (!matching) count = bagSize(bag);
        else if (typeof bag === 'string') count = matching.has(bag) ? 1 : 0;
        else if (bag.size < matching.size) {
          for (const uid of bag) if (matching.has(uid)) count++;
        } else for (const uid of matching) if (bag.has(uid)) count++;
        if (count > 0) counts.push({ value: originals.get(key)?.get(value) ?? value, count });
      }
      counts.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      out[facet] = counts;
    }
    return out;
  }

  return {
    put(rows: readonly FinalEntityRow[]) {
      for (const row of rows) put(row);
      if (rows.length) invalidate();
    },
    delete(refs: readonly string[]) {
      for (const ref of refs) {
        const uid = uidByRef.get(ref);
        if (uid !== undefined) remove(uid);
      }
      if (refs.length) invalidate();
    },
    getByRef: (ref: string) => {
      const uid = uidByRef.get(ref);
      return uid === undefined ? undefined : byUid.get(uid)?.row;
    },
    getByUid: (uid: string) => byUid.get(uid)?.row,
    query,
    facets,
    get size() {
      return byUid.size;
    },
  };
}
