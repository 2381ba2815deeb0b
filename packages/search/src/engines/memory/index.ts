import MiniSearch from 'minisearch';
import type { Query, SearchResult as MiniSearchResult } from 'minisearch';
import { highlightText } from '../../highlight.js';
import {
  extraTextOf,
  facetsOf,
  normalizeQuery,
  pageCursors,
  tokenize,
  validateDocuments,
} from '../../query.js';
import type { NormalizedQuery } from '../../query.js';
import type { DocumentSelector, SearchDocument, SearchQuery, SearchResult, SearchResultSet } from '../../types.js';
import type { SearchEngine } from '../types.js';
import { topK } from './top-k.js';

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
   * Default 0.2. A word is matched fuzzily only when it matches nothing exactly or as a prefix.
   */
  fuzzy?: number | false;
  /** Tags around highlighted words; default `<mark>` and `</mark>`. */
  highlight?: { preTag?: string; postTag?: string };
}

interface Entry {
  document: SearchDocument;
  facets: Record<string, string[]>;
  /** Searchable text of the other fields, kept for phrase checks. */
  extra: string;
  /** The title's words joined by spaces, to spot a title that is exactly the query. */
  titleKey: string;
}

/** One MiniSearch index per document type, so a full re-index of a type is an atomic swap. */
interface TypeIndex {
  mini: MiniSearch<SearchDocument>;
  entries: Map<string, Entry>;
  /**
   * field -> value -> locations, built on the first query filtering by that field and kept up to
   * date after, so filters cost a set lookup instead of a test of every hit.
   */
  facetIndex: Map<string, Map<string, Set<string>>>;
}

interface Hit {
  entry: Entry;
  type: string;
  score: number;
  /** Matched document terms, for highlighting (only the returned page is highlighted). */
  terms: readonly string[];
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

  const newIndex = (): TypeIndex => {
    const entries = new Map<string, Entry>();
    return {
      mini: new MiniSearch<SearchDocument>({
        idField: 'location',
        fields: FIELDS,
        // put() stores the entry before adding, so the extra text is computed once per document.
        extractField: (doc, field) =>
          field === 'extra' ? (entries.get(doc.location)?.extra ?? extraTextOf(doc)) : String(doc[field] ?? ''),
        tokenize,
        processTerm: (term) => term,
      }),
      entries,
      facetIndex: new Map(),
    };
  };

  const indexFacets = (index: TypeIndex, entry: Entry, add: boolean): void => {
    for (const [field, byValue] of index.facetIndex) {
      if (add) {
        addFacet(byValue, entry, field);
        continue;
      }
      for (const value of entry.facets[field] ?? []) {
        const locations = byValue.get(value);
        locations?.delete(entry.document.location);
        if (locations?.size === 0) byValue.delete(value);
      }
    }
  };

  const put = (index: TypeIndex, document: SearchDocument): void => {
    discard(index, document.location);
    const entry: Entry = {
      document,
      facets: facetsOf(document),
      extra: extraTextOf(document),
      titleKey: tokenize(document.title).join(' '),
    };
    index.entries.set(document.location, entry);
    indexFacets(index, entry, true);
    index.mini.add(document);
  };

  const discard = (index: TypeIndex, location: string): void => {
    const entry = index.entries.get(location);
    if (!entry) return;
    index.entries.delete(location);
    indexFacets(index, entry, false);
    index.mini.discard(location);
  };

  /** field -> value -> locations, built on the first query that filters by the field. */
  const facetLookup = (index: TypeIndex, field: string): Map<string, Set<string>> => {
    let byValue = index.facetIndex.get(field);
    if (!byValue) {
      byValue = new Map();
      index.facetIndex.set(field, byValue);
      for (const entry of index.entries.values()) addFacet(byValue, entry, field);
    }
    return byValue;
  };

  /**
   * Locations passing every filter, or undefined when there are no filters. Starts from the most
   * selective filter and only tests its locations against the others, so `kind: Component` (most
   * of the catalog) next to `owner: team-a` costs the size of team-a's set, not of the catalog.
   */
  const allowedLocations = (index: TypeIndex, filters: NormalizedQuery['filters']): ReadonlySet<string> | undefined => {
    if (filters.length === 0) return undefined;
    const groups = filters
      .map(([field, values]) => {
        const byValue = facetLookup(index, field);
        const sets = values.flatMap((value) => byValue.get(value) ?? []);
        return { sets, size: sets.reduce((n, set) => n + set.size, 0) };
      })
      .sort((x, y) => x.size - y.size);
    const [first, ...rest] = groups;
    const allowed = new Set<string>();
    for (const set of first!.sets) {
      for (const location of set) {
        if (rest.every((group) => group.sets.some((s) => s.has(location)))) allowed.add(location);
      }
    }
    return allowed;
  };

  // Numbers are not misspelled words: fuzzing "5000" would also match "5001".
  const fuzzable = (word: string) => fuzzy !== false && word.length >= 4 && /\p{L}/u.test(word);

  /**
   * Scoring is what costs (MiniSearch allocates a result per matching document and sorts them), so
   * a query runs in two passes. First each word only collects the documents it matches, through a
   * `boostDocument` that records the id and returns 0 so MiniSearch scores nothing; each word is
   * restricted to the documents the previous words (and the filters, and for the last pass the
   * phrases) left. Then one AND query scores just the documents that matched everything. A query
   * for a name among 100k entities so scores one document, not the 15k that share its first word.
   *
   * A word is matched fuzzily only when it matches nothing exactly or as a prefix: fuzzy expansion
   * over a large vocabulary is costly, and a word spelled right should not also pull in its
   * near-namesakes ("exporter" ~ "importer").
   */
  const search = (type: string, index: TypeIndex, q: NormalizedQuery): Hit[] => {
    const allowed = allowedLocations(index, q.filters);
    if (q.matchAll) {
      const hits: Hit[] = [];
      for (const location of allowed ?? index.entries.keys()) {
        hits.push({ entry: index.entries.get(location)!, type, score: 0, terms: [] });
      }
      return hits;
    }
    if (allowed?.size === 0) return [];
    // Longer words first: they tend to be rarer, so later words are tested against fewer documents.
    const clauses = [
      ...q.words.map((word) => ({ word, prefix: true, fuzzy: false })),
      ...q.phrases.flat().map((word) => ({ word, prefix: false, fuzzy: false })),
    ].sort((a, b) => b.word.length - a.word.length);
    const phrases = q.phrases.filter((p) => p.length > 1).map(phrasePattern);
    const clauseQuery = (c: (typeof clauses)[number]): Query => ({
      queries: [c.word],
      prefix: c.prefix,
      fuzzy: c.fuzzy ? (fuzzy as number) : false,
    });

    let candidates = allowed;
    if (clauses.length > 1 || phrases.length > 0) {
      for (const clause of clauses) {
        const collect = () => {
          const within = candidates;
          const ids = new Set<string>();
          index.mini.search(clauseQuery(clause), {
            boostDocument: (id: unknown) => {
              if (!within || within.has(id as string)) ids.add(id as string);
              return 0;
            },
          });
          return ids;
        };
        let ids = collect();
        if (ids.size === 0 && clause.prefix && fuzzable(clause.word)) {
          clause.fuzzy = true;
          ids = collect();
        }
        if (ids.size === 0) return [];
        candidates = ids;
      }
      const passing = new Set<string>();
      for (const location of candidates!) {
        const entry = index.entries.get(location);
        if (entry && phrases.every((phrase) => containsPhrase(entry, phrase))) passing.add(location);
      }
      if (passing.size === 0) return [];
      candidates = passing;
    }

    const within = candidates;
    const score = () =>
      index.mini.search(
        { combineWith: 'AND', queries: clauses.map(clauseQuery) },
        within ? { boost, boostDocument: (id: unknown) => (within.has(id as string) ? 1 : 0) } : { boost },
      );
    let found = score();
    if (found.length === 0 && clauses.length === 1 && clauses[0]!.prefix && fuzzable(clauses[0]!.word)) {
      clauses[0]!.fuzzy = true;
      found = score();
    }
    const exactTitle = [...q.words, ...q.phrases.flat()].join(' ');
    const phraseWords = q.phrases.flat();
    const hits: Hit[] = [];
    for (const r of found) {
      const entry = index.entries.get(r.id as string);
      if (!entry) continue;
      // A title that is exactly the query is what the user is looking for, whatever BM25 says.
      const score = entry.titleKey === exactTitle ? r.score * 2 : r.score;
      hits.push({ entry, type, score, terms: phraseWords.length > 0 ? [...r.terms, ...phraseWords] : r.terms });
    }
    return hits;
  };

  const toResult = (hit: Hit, rank: number, q: NormalizedQuery): SearchResult => {
    const result: SearchResult = { type: hit.type, document: { ...hit.entry.document }, rank };
    if (!q.matchAll) {
      const terms = new Set(hit.terms);
      const isMatch = (word: string) => terms.has(word);
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
      for (const location of allowedLocations(index, filters) ?? [...index.entries.keys()]) discard(index, location);
    },

    async query(query: SearchQuery): Promise<SearchResultSet> {
      const q = normalizeQuery(query);
      const hits: Hit[] = [];
      for (const [type, index] of indexes) {
        if (q.types && !q.types.includes(type)) continue;
        for (const hit of search(type, index, q)) hits.push(hit);
      }
      // Ties are broken by (type, location) so pages are stable across requests.
      const best = topK(
        hits,
        q.offset + q.limit,
        (a, b) =>
          b.score - a.score ||
          compare(a.type, b.type) ||
          compare(a.entry.document.location, b.entry.document.location),
      );
      const page = best.slice(q.offset);
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

function addFacet(byValue: Map<string, Set<string>>, entry: Entry, field: string): void {
  for (const value of entry.facets[field] ?? []) {
    let locations = byValue.get(value);
    if (!locations) byValue.set(value, (locations = new Set()));
    locations.add(entry.document.location);
  }
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
function containsPhrase(entry: Entry, phrase: RegExp): boolean {
  return phrase.test(entry.document.title) || phrase.test(entry.document.text) || phrase.test(entry.extra);
}
