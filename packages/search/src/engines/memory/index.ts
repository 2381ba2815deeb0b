import MiniSearch from 'minisearch';
import type { Query, SearchResult as MiniSearchResult } from 'minisearch';
import { highlightText } from '../../highlight.js';
import {
  extraTextOf,
  facetsOf,
  matchesFilters,
  normalizeQuery,
  pageCursors,
  tokenize,
  validateDocuments,
} from '../../query.js';
import type { NormalizedQuery } from '../../query.js';
import type { DocumentSelector, SearchDocument, SearchQuery, SearchResult, SearchResultSet } from '../../types.js';
import type { SearchEngine } from '../types.js';

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
  /** Fuzzy matching of words of at least 4 characters, as a fraction of word length; `false` disables. Default 0.2. */
  fuzzy?: number | false;
  /** Tags around highlighted words; default `<mark>` and `</mark>`. */
  highlight?: { preTag?: string; postTag?: string };
}

interface Entry {
  document: SearchDocument;
  facets: Record<string, string[]>;
}

/** One MiniSearch index per document type, so a full re-index of a type is an atomic swap. */
interface TypeIndex {
  mini: MiniSearch<SearchDocument>;
  entries: Map<string, Entry>;
}

interface Hit {
  entry: Entry;
  type: string;
  score: number;
  terms: ReadonlySet<string>;
}

const FIELDS = ['title', 'text', 'extra'];
const TEXT_FRAGMENT_WORDS = 35;

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
  const preTag = options.highlight?.preTag ?? '<mark>';
  const postTag = options.highlight?.postTag ?? '</mark>';
  let indexes = new Map<string, TypeIndex>();

  const newIndex = (): TypeIndex => ({
    mini: new MiniSearch<SearchDocument>({
      idField: 'location',
      fields: FIELDS,
      extractField: (doc, field) => (field === 'extra' ? extraTextOf(doc) : String(doc[field] ?? '')),
      tokenize,
      processTerm: (term) => term,
    }),
    entries: new Map(),
  });

  const put = (index: TypeIndex, document: SearchDocument): void => {
    if (index.entries.has(document.location)) index.mini.discard(document.location);
    index.mini.add(document);
    index.entries.set(document.location, { document, facets: facetsOf(document) });
  };

  const discard = (index: TypeIndex, location: string): void => {
    if (!index.entries.delete(location)) return;
    index.mini.discard(location);
  };

  const miniQuery = (q: NormalizedQuery): Query => ({
    combineWith: 'AND',
    queries: [
      ...q.words.map((word) => ({
        queries: [word],
        prefix: true,
        // Numbers are not misspelled words: fuzzing "5000" would also match "5001".
        fuzzy: fuzzy !== false && word.length >= 4 && /\p{L}/u.test(word) ? fuzzy : false,
      })),
      ...q.phrases.map((phrase) => ({ queries: phrase, combineWith: 'AND', prefix: false, fuzzy: false })),
    ],
  });

  const search = (type: string, index: TypeIndex, q: NormalizedQuery): Hit[] => {
    const hits: Hit[] = [];
    if (q.matchAll) {
      for (const entry of index.entries.values()) {
        if (matchesFilters(entry.facets, q.filters)) hits.push({ entry, type, score: 0, terms: new Set() });
      }
      return hits;
    }
    const exactTitle = [...q.words, ...q.phrases.flat()].join(' ');
    const phrases = q.phrases.filter((p) => p.length > 1).map(phrasePattern);
    const found: MiniSearchResult[] = index.mini.search(miniQuery(q), { boost });
    for (const r of found) {
      const entry = index.entries.get(r.id as string);
      if (!entry || !matchesFilters(entry.facets, q.filters)) continue;
      if (!phrases.every((phrase) => containsPhrase(entry.document, phrase))) continue;
      // A title that is exactly the query is what the user is looking for, whatever BM25 says.
      const score = tokenize(entry.document.title).join(' ') === exactTitle ? r.score * 2 : r.score;
      hits.push({ entry, type, score, terms: new Set([...r.terms, ...q.phrases.flat()]) });
    }
    return hits;
  };

  const toResult = (hit: Hit, rank: number, q: NormalizedQuery): SearchResult => {
    const result: SearchResult = { type: hit.type, document: { ...hit.entry.document }, rank };
    if (!q.matchAll) {
      const isMatch = (word: string) => hit.terms.has(word);
      const fields: Record<string, string> = {};
      const title = highlightText(hit.entry.document.title, isMatch, { preTag, postTag });
      const text = highlightText(hit.entry.document.text, isMatch, { preTag, postTag, maxWords: TEXT_FRAGMENT_WORDS });
      if (title !== undefined) fields.title = title;
      if (text !== undefined) fields.text = text;
      result.highlight = { preTag, postTag, fields };
    }
    return result;
  };

  return {
    features: { fuzzy: fuzzy !== false },

    async index(type, documents) {
      const collected: SearchDocument[] = [];
      for await (const doc of documents) collected.push(doc);
      const valid = validateDocuments(collected, type);
      const next = newIndex();
      for (const doc of valid) put(next, doc);
      // Swap a new map in, rather than mutating, so a query running concurrently keeps its snapshot.
      const swapped = new Map(indexes);
      if (next.entries.size > 0) swapped.set(type, next);
      else swapped.delete(type);
      indexes = swapped;
    },

    async upsert(documents) {
      const valid = validateDocuments(documents);
      for (const doc of valid) {
        let index = indexes.get(doc.type);
        if (!index) {
          index = newIndex();
          indexes = new Map(indexes).set(doc.type, index);
        }
        put(index, doc);
      }
    },

    async remove(type, selector: DocumentSelector) {
      const index = indexes.get(type);
      if (!index) return;
      if (isLocationList(selector)) {
        for (const location of selector) discard(index, location);
        return;
      }
      const filters = normalizeQuery({ term: '', filters: selector.filters }).filters;
      for (const [location, entry] of [...index.entries]) {
        if (matchesFilters(entry.facets, filters)) discard(index, location);
      }
    },

    async query(query: SearchQuery): Promise<SearchResultSet> {
      const q = normalizeQuery(query);
      const hits: Hit[] = [];
      for (const [type, index] of indexes) {
        if (q.types && !q.types.includes(type)) continue;
        hits.push(...search(type, index, q));
      }
      // Ties are broken by (type, location) so pages are stable across requests.
      hits.sort(
        (a, b) =>
          b.score - a.score ||
          compare(a.type, b.type) ||
          compare(a.entry.document.location, b.entry.document.location),
      );
      const page = hits.slice(q.offset, q.offset + q.limit);
      return {
        results: page.map((hit, i) => toResult(hit, q.offset + i + 1, q)),
        numberOfResults: hits.length,
        ...pageCursors(q.offset, q.limit, hits.length),
      };
    },

    async close() {
      indexes = new Map();
    },
  };
}

function isLocationList(selector: DocumentSelector): selector is readonly string[] {
  return Array.isArray(selector);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A phrase as a regular expression over raw field text: its words in order, separated only by
 * non-word characters, at word boundaries. Much cheaper than tokenizing every candidate.
 */
function phrasePattern(phrase: string[]): RegExp {
  const escaped = phrase.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped.join('[^\\p{L}\\p{N}]+')}(?![\\p{L}\\p{N}])`, 'iu');
}

/** True when the phrase occurs in the title, text or other fields. */
function containsPhrase(document: SearchDocument, phrase: RegExp): boolean {
  return phrase.test(document.title) || phrase.test(document.text) || phrase.test(extraTextOf(document));
}
