import { normalizeQuery, pageCursors, validateDocuments } from '../../query.js';
import type { DocumentSelector, SearchDocument, SearchQuery, SearchResultSet } from '../../types.js';
import type { SearchEngine } from '../types.js';
import { allowedIds } from './facets.js';
import { createMatcher } from './matcher.js';
import { createRankedCache } from './ranked-cache.js';
import { pageOf, toResult } from './results.js';
import { createTypeIndex } from './type-index.js';
import type { TypeIndex, TypeMatches } from './types.js';

/**
 * Options of {@link memoryEngine}.
 *
 * @example
 * ```ts
 * const engine = memoryEngine({ boost: { title: 5 }, highlight: { preTag: '<b>', postTag: '</b>' } });
 * ```
 */
export interface MemoryEngineOptions {
  /** Field weights; defaults `{ title: 3, text: 1, extra: 0.5 }` (`extra` = tags, owner, annotation values, ...). */
  boost?: Partial<Record<'title' | 'text' | 'extra', number>>;
  /**
   * Fuzzy matching of words of at least 4 letters, as a fraction of word length; `false` disables.
   * Default 0.2. A word is matched fuzzily only when, as written (exactly or as a prefix), it
   * matches none of the documents that the other words and the filters match.
   */
  fuzzy?: number | false;
  /** Tags around highlighted words; default `<mark>` and `</mark>`. */
  highlight?: { preTag?: string; postTag?: string };
}

/** Ranked lists kept for cursor continuation (see RankedCache). */
const RANKED_LISTS = 16;

/**
 * An in-process {@link SearchEngine} built on MiniSearch: BM25 ranking with field boosts, prefix and
 * fuzzy matching, quoted phrases, incremental updates. Zero setup; the index lives in memory and is
 * rebuilt from the collators on start.
 *
 * @example
 * ```ts
 * const engine = memoryEngine();
 * await engine.index('software-catalog', [{ type: 'software-catalog', title: 'payments', text: 'Takes money', location: '/catalog/default/component/payments' }]);
 * const { results } = await engine.query({ term: 'paym' });
 * ```
 */
export function memoryEngine(options: MemoryEngineOptions = {}): SearchEngine {
  const boost = { title: 3, text: 1, extra: 0.5, ...options.boost };
  const fuzzy = options.fuzzy ?? 0.2;
  const tags = { preTag: options.highlight?.preTag ?? '<mark>', postTag: options.highlight?.postTag ?? '</mark>' };
  const matcher = createMatcher({ boost, fuzzy });
  let indexes = new Map<string, TypeIndex>();
  const ranked = createRankedCache<TypeMatches[]>(RANKED_LISTS);

  return {
    features: { fuzzy: fuzzy !== false },

    async index(type, documents) {
      const collected: SearchDocument[] = [];
      for await (const doc of documents) collected.push(doc);
      const valid = validateDocuments(collected, type);
      const next = createTypeIndex();
      for (const doc of valid) next.put(doc);
      // Swap a new map in, rather than mutating, so a query running concurrently keeps its snapshot.
      const swapped = new Map(indexes);
      if (next.entries.size > 0) swapped.set(type, next);
      else swapped.delete(type);
      indexes = swapped;
      ranked.clear();
    },

    async upsert(documents) {
      const valid = validateDocuments(documents);
      ranked.clear();
      for (const doc of valid) {
        let index = indexes.get(doc.type);
        if (!index) {
          index = createTypeIndex();
          indexes = new Map(indexes).set(doc.type, index);
        }
        index.put(doc);
      }
    },

    async remove(type, selector: DocumentSelector) {
      ranked.clear();
      const index = indexes.get(type);
      if (!index) return;
      if (isLocationList(selector)) {
        for (const location of selector) index.discard(location);
        return;
      }
      const filters = normalizeQuery({ term: '', filters: selector.filters }).filters;
      const ids = allowedIds(index, filters);
      const locations = ids ? ids.map((id) => index.byId[id]!.document.location) : [...index.entries.keys()];
      for (const location of locations) index.discard(location);
    },

    async query(query: SearchQuery): Promise<SearchResultSet> {
      const q = normalizeQuery(query);
      // Same query whatever the page: the words, phrases, types and filters.
      const key = JSON.stringify([q.words, q.phrases, q.types, q.filters]);
      // Only a request following a cursor reuses ranked matches; a first page always runs the query.
      let lists = query.pageCursor === undefined ? undefined : ranked.get(key);
      if (!lists) {
        lists = [];
        for (const [type, index] of indexes) {
          if (q.types && !q.types.includes(type)) continue;
          lists.push({ type, index, ...matcher.search(index, q) });
        }
        ranked.set(key, lists);
      }
      const { page, total } = pageOf(lists, q);
      return {
        results: page.map((hit, i) => toResult(hit, q.offset + i + 1, q, tags)),
        numberOfResults: total,
        ...pageCursors(q.offset, q.limit, total),
      };
    },

    async close() {
      indexes = new Map();
      ranked.clear();
    },
  };
}

function isLocationList(selector: DocumentSelector): selector is readonly string[] {
  return Array.isArray(selector);
}
