import MiniSearch from 'minisearch';
import type { Query } from 'minisearch';
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
import { createIdMarks } from './id-marks.js';
import type { IdMarks } from './id-marks.js';
import { createRankedCache } from './ranked-cache.js';
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
   * Default 0.2. A word is matched fuzzily only when, as written (exactly or as a prefix), it
   * matches none of the documents that the other words and the filters match.
   */
  fuzzy?: number | false;
  /** Tags around highlighted words; default `<mark>` and `</mark>`. */
  highlight?: { preTag?: string; postTag?: string };
}

interface Entry {
  /** MiniSearch id: a small integer, so candidate sets can be typed-array marks (see IdMarks). */
  id: number;
  document: SearchDocument;
  facets: Record<string, string[]>;
  /** Searchable text of the other fields, kept for phrase checks. */
  extra: string;
  /**
   * The words of `extra` that are not in the title, which is what the index holds for it: a
   * catalog entity's name is also in its ref and annotations, and indexing it there again would
   * triple the postings every query on a name word scores, for a match the title already gives.
   */
  extraWords: string;
  /** The title's words joined by spaces, to spot a title that is exactly the query. */
  titleKey: string;
}

/** One MiniSearch index per document type, so a full re-index of a type is an atomic swap. */
interface TypeIndex {
  mini: MiniSearch<SearchDocument>;
  entries: Map<string, Entry>;
  byId: Map<number, Entry>;
  nextId: number;
  /** Ids of removed entries, reused so ids (and the marks array) stay as small as the index. */
  freeIds: number[];
  /**
   * field -> value -> entry ids, built on the first query filtering by that field and kept up to
   * date after, so filters cost a set lookup instead of a test of every hit.
   */
  facetIndex: Map<string, Map<string, Set<number>>>;
  marks: IdMarks;
}

interface Hit {
  entry: Entry;
  type: string;
  score: number;
  /** Matched document terms, for highlighting (only the returned page is highlighted). */
  terms: readonly string[];
}

const FIELDS = ['title', 'text', 'extra'];
/** Ranked lists kept for cursor continuation (see RankedCache). */
const RANKED_LISTS = 16;
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
  const ranked = createRankedCache<Hit[]>(RANKED_LISTS);

  const newIndex = (): TypeIndex => {
    const entries = new Map<string, Entry>();
    return {
      mini: new MiniSearch<SearchDocument>({
        idField: 'id',
        fields: FIELDS,
        // put() stores the entry before adding, so its id and extra text are computed once.
        extractField: (doc, field) => {
          if (field === 'id') return entries.get(doc.location)!.id;
          if (field === 'extra') return entries.get(doc.location)!.extraWords;
          return String(doc[field] ?? '');
        },
        tokenize,
        processTerm: (term) => term,
      }),
      entries,
      byId: new Map(),
      nextId: 0,
      freeIds: [],
      facetIndex: new Map(),
      marks: createIdMarks(),
    };
  };

  const put = (index: TypeIndex, document: SearchDocument): void => {
    discard(index, document.location);
    const titleWords = tokenize(document.title);
    const extra = extraTextOf(document);
    const inTitle = new Set(titleWords);
    const entry: Entry = {
      id: index.freeIds.pop() ?? index.nextId++,
      document,
      facets: facetsOf(document),
      extra,
      extraWords: tokenize(extra)
        .filter((word) => !inTitle.has(word))
        .join(' '),
      titleKey: titleWords.join(' '),
    };
    index.entries.set(document.location, entry);
    index.byId.set(entry.id, entry);
    for (const [field, byValue] of index.facetIndex) addFacet(byValue, entry, field);
    index.mini.add(document);
  };

  const discard = (index: TypeIndex, location: string): void => {
    const entry = index.entries.get(location);
    if (!entry) return;
    index.entries.delete(location);
    index.byId.delete(entry.id);
    for (const [field, byValue] of index.facetIndex) {
      for (const value of entry.facets[field] ?? []) {
        const ids = byValue.get(value);
        ids?.delete(entry.id);
        if (ids?.size === 0) byValue.delete(value);
      }
    }
    index.mini.discard(entry.id);
    index.freeIds.push(entry.id);
  };

  /** field -> value -> entry ids, built on the first query that filters by the field. */
  const facetLookup = (index: TypeIndex, field: string): Map<string, Set<number>> => {
    let byValue = index.facetIndex.get(field);
    if (!byValue) {
      byValue = new Map();
      index.facetIndex.set(field, byValue);
      for (const entry of index.entries.values()) addFacet(byValue, entry, field);
    }
    return byValue;
  };

  /**
   * Ids of the entries passing every filter, or undefined when there are no filters. Starts from
   * the most selective filter and only tests its ids against the others, so `kind: Component`
   * (most of the catalog) next to `owner: team-a` costs the size of team-a's set.
   */
  const allowedIds = (index: TypeIndex, filters: NormalizedQuery['filters']): number[] | undefined => {
    if (filters.length === 0) return undefined;
    const groups = filters
      .map(([field, values]) => {
        const byValue = facetLookup(index, field);
        const sets = values.flatMap((value) => byValue.get(value) ?? []);
        return { sets, size: sets.reduce((n, set) => n + set.size, 0) };
      })
      .sort((x, y) => x.size - y.size);
    const [first, ...rest] = groups;
    const allowed = new Set<number>();
    for (const set of first!.sets) {
      for (const id of set) {
        if (rest.every((group) => group.sets.some((s) => s.has(id)))) allowed.add(id);
      }
    }
    return [...allowed];
  };

  // Numbers are not misspelled words: fuzzing "5000" would also match "5001".
  const fuzzable = (word: string) => fuzzy !== false && word.length >= 4 && /\p{L}/u.test(word);

  /**
   * Scoring is what costs (MiniSearch allocates a result per matching document and sorts them), so
   * a query runs in two passes. First each word only collects the documents it matches, through a
   * `boostDocument` that marks the id and returns 0 so MiniSearch scores nothing; each word is
   * restricted to the documents the previous words and the filters left, and quoted phrases are
   * checked on what remains. Then one AND query scores just the documents that matched everything.
   * A query for a name among 100k entities so scores one document, not the 15k sharing its first
   * word. Longer words go first, as they tend to be rarer.
   *
   * A word is matched fuzzily only when it matches nothing exactly or as a prefix: fuzzy expansion
   * over a large vocabulary is costly, and a word spelled right should not also pull in its
   * near-namesakes ("exporter" ~ "importer").
   */
  const search = (type: string, index: TypeIndex, q: NormalizedQuery): Hit[] => {
    const { marks } = index;
    const allowed = allowedIds(index, q.filters);
    if (q.matchAll) {
      const entries = allowed ? allowed.map((id) => index.byId.get(id)!) : index.entries.values();
      return Array.from(entries, (entry) => ({ entry, type, score: 0, terms: [] }));
    }
    if (allowed?.length === 0) return [];
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
    /** A new mark set holding `ids`. */
    const markAll = (ids: readonly number[]): number => {
      const stamp = marks.begin(index.nextId);
      for (const id of ids) marks.add(id, stamp);
      return stamp;
    };

    // The candidates: a mark stamp, or undefined for "every document".
    let within = allowed && markAll(allowed);
    if (clauses.length > 1 || phrases.length > 0) {
      let ids: number[] = [];
      for (const clause of clauses) {
        const collect = () => {
          const before = within;
          const stamp = marks.begin(index.nextId);
          const found: number[] = [];
          index.mini.search(clauseQuery(clause), {
            boostDocument: (id: unknown) => {
              const n = id as number;
              if ((before === undefined || marks.has(n, before)) && marks.add(n, stamp)) found.push(n);
              return 0;
            },
          });
          return { found, stamp };
        };
        let next = collect();
        if (next.found.length === 0 && clause.prefix && fuzzable(clause.word)) {
          clause.fuzzy = true;
          next = collect();
        }
        if (next.found.length === 0) return [];
        ids = next.found;
        within = next.stamp;
      }
      if (phrases.length > 0) {
        ids = ids.filter((id) => phrases.every((phrase) => containsPhrase(index.byId.get(id)!, phrase)));
        if (ids.length === 0) return [];
        within = markAll(ids);
      }
    }

    const scoreWithin = within;
    const score = () =>
      index.mini.search(
        { combineWith: 'AND', queries: clauses.map(clauseQuery) },
        scoreWithin === undefined ? { boost } : { boost, boostDocument: (id: unknown) => (marks.has(id as number, scoreWithin) ? 1 : 0) },
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
      const entry = index.byId.get(r.id as number);
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
      ranked.clear();
    },

    async upsert(documents) {
      const valid = validateDocuments(documents);
      ranked.clear();
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
      ranked.clear();
      const index = indexes.get(type);
      if (!index) return;
      if (isLocationList(selector)) {
        for (const location of selector) discard(index, location);
        return;
      }
      const filters = normalizeQuery({ term: '', filters: selector.filters }).filters;
      const ids = allowedIds(index, filters);
      const locations = ids ? ids.map((id) => index.byId.get(id)!.document.location) : [...index.entries.keys()];
      for (const location of locations) discard(index, location);
    },

    async query(query: SearchQuery): Promise<SearchResultSet> {
      const q = normalizeQuery(query);
      // Same query whatever the page: the words, phrases, types and filters.
      const key = JSON.stringify([q.words, q.phrases, q.types, q.filters]);
      // Only a request following a cursor reuses a ranked list; a first page always runs the query.
      let hits = query.pageCursor === undefined ? undefined : ranked.get(key);
      if (!hits) {
        hits = [];
        for (const [type, index] of indexes) {
          if (q.types && !q.types.includes(type)) continue;
          for (const hit of search(type, index, q)) hits.push(hit);
        }
        ranked.set(key, hits);
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
      ranked.clear();
    },
  };
}

function addFacet(byValue: Map<string, Set<number>>, entry: Entry, field: string): void {
  for (const value of entry.facets[field] ?? []) {
    let ids = byValue.get(value);
    if (!ids) byValue.set(value, (ids = new Set()));
    ids.add(entry.id);
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
