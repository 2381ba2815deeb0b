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

/** Words occurring more than once in a field and how often, as a flat list (word, count, ...). */
type Repeats = Array<string | number> | undefined;

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
  /** Indexed words per field (title, text, extra), for the cheap ranking of broad queries. */
  lengths: [number, number, number];
}

/** One MiniSearch index per document type, so a full re-index of a type is an atomic swap. */
interface TypeIndex {
  mini: MiniSearch<SearchDocument>;
  entries: Map<string, Entry>;
  byId: Map<number, Entry>;
  nextId: number;
  /** Sums of the entries' `lengths`, for average field lengths. */
  lengthSums: [number, number, number];
  /** Per field, word -> entry id -> frequency, for the words an entry has more than once. */
  repeats: [Map<string, Map<number, number>>, Map<string, Map<number, number>>, Map<string, Map<number, number>>];
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
/** Broad one-word queries score this many pre-ranked documents (see rankBroad). */
const SCORED = 256;
// MiniSearch's default BM25 parameters, for the pre-rank estimate.
const BM25_K1 = 1.2;
const BM25_B = 0.7;
const BM25_D = 0.5;

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
      lengthSums: [0, 0, 0],
      repeats: [new Map(), new Map(), new Map()],
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
    const extraWords = tokenize(extra).filter((word) => !inTitle.has(word));
    // Repeated words go to the index's map only, not on the entry (100k entries' worth of small
    // arrays): removal recomputes them.
    const stats = fieldStats([titleWords, tokenize(document.text), extraWords]);
    const entry: Entry = {
      id: index.freeIds.pop() ?? index.nextId++,
      document,
      facets: facetsOf(document),
      extra,
      extraWords: extraWords.join(' '),
      titleKey: titleWords.join(' '),
      lengths: stats.lengths,
    };
    for (let f = 0; f < 3; f++) {
      index.lengthSums[f]! += entry.lengths[f]!;
      const repeats = stats.repeats[f] ?? [];
      for (let i = 0; i < repeats.length; i += 2) {
        const word = repeats[i] as string;
        let ids = index.repeats[f]!.get(word);
        if (!ids) index.repeats[f]!.set(word, (ids = new Map()));
        ids.set(entry.id, repeats[i + 1] as number);
      }
    }
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
    const stats = fieldStats([tokenize(entry.document.title), tokenize(entry.document.text), entry.extraWords.split(' ')]);
    for (let f = 0; f < 3; f++) {
      index.lengthSums[f]! -= entry.lengths[f]!;
      const repeats = stats.repeats[f] ?? [];
      for (let i = 0; i < repeats.length; i += 2) {
        const ids = index.repeats[f]!.get(repeats[i] as string);
        ids?.delete(entry.id);
        if (ids?.size === 0) index.repeats[f]!.delete(repeats[i] as string);
      }
    }
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

    const exactTitle = [...q.words, ...q.phrases.flat()].join(' ');
    if (clauses.length === 1 && phrases.length === 0) {
      const broad = rankBroad(type, index, clauses[0]!, clauseQuery, within, exactTitle);
      if (broad) return broad;
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

  /**
   * One word matching more than SCORED documents: MiniSearch would score every one of them to
   * rank them, and that is most of the time of a broad query. Instead, a pass per field marks
   * which fields each document matches in (cheap: nothing is scored), documents are pre-ranked by
   * MiniSearch's BM25 formula computed from those fields, their lengths and the word's frequency
   * in them (kept per entry for repeated words), and only the best SCORED are scored by
   * MiniSearch. For a word that is one indexed term the pre-rank is that score, so the first
   * SCORED are exact; for a prefix or fuzzy word expanding to several terms it is an estimate
   * (MiniSearch weighs the expansions). The others follow in pre-rank order; the total and the
   * set of hits are always exact. Undefined when the word matches few enough documents to score
   * them all. Sets `clause.fuzzy` when the word only matches fuzzily.
   */
  const rankBroad = (
    type: string,
    index: TypeIndex,
    clause: { word: string; prefix: boolean; fuzzy: boolean },
    clauseQuery: (c: typeof clause) => Query,
    within: number | undefined,
    exactTitle: string,
  ): Hit[] | undefined => {
    const { marks } = index;
    const collect = () => {
      const fieldsHit = new Uint8Array(index.nextId);
      const found: number[] = [];
      const terms = new Set<string>();
      const fieldCounts = [0, 0, 0];
      FIELDS.forEach((field, f) => {
        index.mini.search(clauseQuery(clause), {
          fields: [field],
          boostDocument: (id: unknown, term: string) => {
            const n = id as number;
            if (within !== undefined && !marks.has(n, within)) return 0;
            if (fieldsHit[n] === 0) found.push(n);
            if (!(fieldsHit[n]! & (1 << f))) fieldCounts[f]!++;
            fieldsHit[n]! |= 1 << f;
            terms.add(term);
            return 0;
          },
        });
      });
      return { fieldsHit, found, terms, fieldCounts };
    };
    let pass = collect();
    if (pass.found.length === 0 && clause.prefix && !clause.fuzzy && fuzzable(clause.word)) {
      clause.fuzzy = true;
      pass = collect();
    }
    if (pass.found.length <= SCORED) return undefined;
    const { fieldsHit, found } = pass;
    const matched = [...pass.terms];
    // Per field, the word's frequency where it is above 1 (for a prefix, of the most frequent
    // term it expands to).
    const frequencies = index.repeats.map((byWord) => {
      const maps = matched.flatMap((term) => byWord.get(term) ?? []);
      if (maps.length <= 1) return maps[0];
      const merged = new Map<number, number>();
      for (const map of maps) for (const [id, tf] of map) merged.set(id, Math.max(tf, merged.get(id) ?? 1));
      return merged;
    });
    const count = index.entries.size;
    const avg = index.lengthSums.map((sum) => Math.max(1, sum / count));
    // Field boost times the word's inverse document frequency in the field, as MiniSearch weighs it.
    const weights = [boost.title, boost.text, boost.extra].map(
      (b, f) => b * Math.log(1 + (count - pass.fieldCounts[f]! + 0.5) / (pass.fieldCounts[f]! + 0.5)),
    );
    const estimates = found.map((id) => {
      const entry = index.byId.get(id)!;
      let estimate = 0;
      for (let f = 0; f < 3; f++) {
        if (!(fieldsHit[id]! & (1 << f))) continue;
        const tf = frequencies[f]?.get(id) ?? 1;
        estimate += weights[f]! * (BM25_D + (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * entry.lengths[f]!) / avg[f]!)));
      }
      // An exact title gets doubled below, so it is always among the documents scored.
      if (entry.titleKey === exactTitle) estimate = Infinity;
      return { entry, estimate };
    });
    const byEstimate = (a: (typeof estimates)[number], b: (typeof estimates)[number]) =>
      b.estimate - a.estimate || compare(a.entry.document.location, b.entry.document.location);
    const stamp = marks.begin(index.nextId);
    for (const { entry } of topK(estimates, SCORED, byEstimate)) marks.add(entry.id, stamp);
    const hits: Hit[] = [];
    for (const r of index.mini.search(clauseQuery(clause), { boost, boostDocument: (id: unknown) => (marks.has(id as number, stamp) ? 1 : 0) })) {
      const entry = index.byId.get(r.id as number)!;
      hits.push({ entry, type, score: entry.titleKey === exactTitle ? r.score * 2 : r.score, terms: r.terms });
    }
    // Below every scored hit (BM25 scores are positive), in pre-rank order.
    for (const { entry, estimate } of estimates) {
      if (!marks.has(entry.id, stamp)) hits.push({ entry, type, score: -1 / (1 + estimate), terms: matched });
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

/** Field lengths in distinct words (as MiniSearch counts them) and the repeated words. */
function fieldStats(fields: string[][]): { lengths: Entry['lengths']; repeats: [Repeats, Repeats, Repeats] } {
  const lengths: Entry['lengths'] = [0, 0, 0];
  const repeats: [Repeats, Repeats, Repeats] = [undefined, undefined, undefined];
  fields.forEach((words, f) => {
    const counts = new Map<string, number>();
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    lengths[f] = counts.size;
    const repeated: Array<string | number> = [];
    for (const [word, n] of counts) if (n > 1) repeated.push(word, n);
    if (repeated.length > 0) repeats[f] = repeated;
  });
  return { lengths, repeats };
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
