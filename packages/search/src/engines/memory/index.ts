import { normalizeQuery, pageCursors, validateDocuments } from '../../query.js';
import type { DocumentSelector, SearchDocument, SearchQuery, SearchResultSet } from '../../types.js';
import type { SearchEngine } from '../types.js';
import { splitAuthorization } from '../../visibility.js';
import type { EngineQueryOptions, SplitDocument } from '../../visibility.js';
import type { EntityFilter } from '@portalkit/catalog-model';
import { allowedIds } from './facets.js';
import { createMatcher } from './matcher.js';
import { cacheKey, createRankedCache } from '../ranked-cache.js';
import { createResourceFacts } from './resources.js';
import type { ResourceFacts } from './resources.js';
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
/** Visible-id sets kept between writes (see visibleIds). */
const VISIBLE_SETS = 64;

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
  const resources = createResourceFacts();
  // Ids each (type, visibility filter) may see, until the next write.
  const visibleCache = new Map<string, ReadonlySet<number>>();
  const changed = () => {
    ranked.clear();
    visibleCache.clear();
  };

  return {
    features: { fuzzy: fuzzy !== false, visibility: true },

    async index(type, documents) {
      const collected: SearchDocument[] = [];
      for await (const doc of documents) collected.push(doc);
      const valid = validateDocuments(collected, type).map(splitAuthorization);
      const next = createTypeIndex(resources);
      for (const split of valid) put(next, split, resources);
      // Swap a new map in, rather than mutating, so a query running concurrently keeps its snapshot.
      const previous = indexes.get(type);
      const swapped = new Map(indexes);
      if (next.entries.size > 0) swapped.set(type, next);
      else swapped.delete(type);
      indexes = swapped;
      for (const entry of previous?.entries.values() ?? []) if (entry.resourceRef !== undefined) resources.release(entry.resourceRef);
      changed();
    },

    async upsert(documents) {
      const valid = validateDocuments(documents).map(splitAuthorization);
      changed();
      for (const split of valid) {
        let index = indexes.get(split.document.type);
        if (!index) {
          index = createTypeIndex(resources);
          indexes = new Map(indexes).set(split.document.type, index);
        }
        put(index, split, resources);
      }
    },

    async remove(type, selector: DocumentSelector) {
      changed();
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

    async query(query: SearchQuery, options: EngineQueryOptions = {}): Promise<SearchResultSet> {
      const q = normalizeQuery(query);
      const visibility = options.visibility ?? {};
      // Same query whatever the page: the words, phrases, types, filters and what may be seen.
      const key = cacheKey([q.words, q.phrases, q.types, q.filters, visibility]);
      // Only a request following a cursor reuses ranked matches; a first page always runs the query.
      let lists = query.pageCursor === undefined ? undefined : ranked.get(key);
      if (!lists) {
        lists = [];
        for (const [type, index] of indexes) {
          if (q.types && !q.types.includes(type)) continue;
          const filter = Object.hasOwn(visibility, type) ? visibility[type] : undefined;
          const visible = filter === undefined ? undefined : visibleIds(type, index, filter);
          lists.push({ type, index, ...matcher.search(index, q, visible) });
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
      changed();
    },
  };

  function visibleIds(type: string, index: TypeIndex, filter: EntityFilter): ReadonlySet<number> {
    const key = cacheKey([type, filter]);
    let ids = visibleCache.get(key);
    if (!ids) {
      const found = new Set<number>();
      for (const entry of index.entries.values()) if (resources.matches(entry.resourceRef, filter)) found.add(entry.id);
      ids = found;
      // Each principal's claims make their own filter: keep a few, not one per principal ever seen.
      if (visibleCache.size >= VISIBLE_SETS) visibleCache.clear();
      visibleCache.set(key, ids);
    }
    return ids;
  }
}

/** Index a document, then store its resource's facts (after, so replacing it never drops them). */
function put(index: TypeIndex, { document, resourceRef, facts }: SplitDocument, resources: ResourceFacts): void {
  index.put(document);
  if (resourceRef !== undefined && facts) resources.set(resourceRef, facts);
}

function isLocationList(selector: DocumentSelector): selector is readonly string[] {
  return Array.isArray(selector);
}
