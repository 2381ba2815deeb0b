import MiniSearch from 'minisearch';
import { highlightText } from '../../highlight.js';
import {
  extraTextOf,
  facetsOf,
  isFuzzyWord,
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
import { inverseDocumentFrequency, termFrequencyScore, termWeight } from './bm25.js';
import { createRankedCache } from './ranked-cache.js';
import { createScoreSheet } from './score-sheet.js';
import type { ScoreSheet } from './score-sheet.js';
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
  /** Distinct indexed words per field (title, text, extra), as MiniSearch counts field lengths. */
  lengths: [number, number, number];
}

/** One MiniSearch index per document type, so a full re-index of a type is an atomic swap. */
interface TypeIndex {
  mini: MiniSearch<SearchDocument>;
  entries: Map<string, Entry>;
  /** Entries by id (ids are small integers; a removed entry's slot is empty until reused). */
  byId: Array<Entry | undefined>;
  nextId: number;
  /**
   * The entries' `lengths` again, at `id * 3 + field`: a query reads one for every posting it
   * walks, and a typed array is much cheaper to read than tens of thousands of scattered entries.
   */
  fieldLengths: Uint32Array;
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
  scores: ScoreSheet;
  /** The frequencies of the term being walked, for the entries that have it more than once. */
  frequencies: ScoreSheet;
}

/** What a query matched in one type's index: ids and their scores, side by side. */
interface Matches {
  ids: number[];
  scores: Float64Array;
  /** The indexed terms the query's words matched, for highlighting (only the returned page is). */
  terms: readonly string[];
}

/** One type's matches, as kept for cursor continuation. */
interface TypeMatches extends Matches {
  type: string;
  index: TypeIndex;
}

interface Hit {
  entry: Entry;
  type: string;
  score: number;
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
  const ranked = createRankedCache<TypeMatches[]>(RANKED_LISTS);

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
      byId: [],
      nextId: 0,
      fieldLengths: new Uint32Array(0),
      lengthSums: [0, 0, 0],
      repeats: [new Map(), new Map(), new Map()],
      freeIds: [],
      facetIndex: new Map(),
      marks: createIdMarks(),
      scores: createScoreSheet(),
      frequencies: createScoreSheet(),
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
    if (index.fieldLengths.length < (entry.id + 1) * 3) {
      const grown = new Uint32Array(Math.max(3072, (entry.id + 1) * 6));
      grown.set(index.fieldLengths);
      index.fieldLengths = grown;
    }
    for (let f = 0; f < 3; f++) {
      index.fieldLengths[entry.id * 3 + f] = entry.lengths[f]!;
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
    index.byId[entry.id] = entry;
    for (const [field, byValue] of index.facetIndex) addFacet(byValue, entry, field);
    index.mini.add(document);
  };

  const discard = (index: TypeIndex, location: string): void => {
    const entry = index.entries.get(location);
    if (!entry) return;
    index.entries.delete(location);
    index.byId[entry.id] = undefined;
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

  const fuzzable = (word: string) => fuzzy !== false && isFuzzyWord(word);

  /**
   * Every word is matched by walking its postings once, through MiniSearch's `boostDocument` hook
   * (which sees each matching document and the indexed term, and returns 0 so MiniSearch itself
   * scores and allocates nothing), one field at a time. The walk both narrows the candidates (each
   * word only keeps the documents the previous words and the filters left; longer words go first,
   * as they tend to be rarer) and adds each kept posting's BM25 share, computed as MiniSearch would
   * (see bm25.ts), to a per-document score sheet. Quoted phrases are then checked on the documents
   * left. So a query costs one pass over its words' postings, where MiniSearch's own `search` would
   * score every match of every word before intersecting them, and a second search to score the
   * intersection would walk them all again.
   *
   * A word is matched fuzzily only when it matches nothing exactly or as a prefix: fuzzy expansion
   * over a large vocabulary is costly, and a word spelled right should not also pull in its
   * near-namesakes ("exporter" ~ "importer").
   */
  const search = (index: TypeIndex, q: NormalizedQuery): Matches => {
    const { marks, scores, frequencies, fieldLengths } = index;
    const allowed = allowedIds(index, q.filters);
    if (q.matchAll) {
      const ids = allowed ?? Array.from(index.entries.values(), (entry) => entry.id);
      return { ids, scores: new Float64Array(ids.length), terms: [] };
    }
    const none: Matches = { ids: [], scores: new Float64Array(0), terms: [] };
    if (allowed?.length === 0) return none;
    const clauses = [
      ...q.words.map((word) => ({ word, prefix: true })),
      ...q.phrases.flat().map((word) => ({ word, prefix: false })),
    ].sort((a, b) => b.word.length - a.word.length);
    const phrases = q.phrases.filter((p) => p.length > 1).map((words) => ({ words, pattern: phrasePattern(words) }));
    // Per phrase word, the fields (bits 1 title, 2 text, 4 extra) each candidate has it in, so a
    // phrase is only looked for in the fields that have all its words.
    const fieldsOf = new Map(phrases.flatMap((p) => p.words).map((word) => [word, new Uint8Array(index.nextId)]));
    const count = index.entries.size;
    const averages = index.lengthSums.map((sum) => Math.max(1, sum / count));
    const fieldBoosts = [boost.title, boost.text, boost.extra];
    const terms = new Set<string>(q.phrases.flat());
    scores.begin(index.nextId);

    // The candidates: a mark stamp, or undefined for "every document".
    let within: number | undefined;
    if (allowed) {
      within = marks.begin(index.nextId);
      for (const id of allowed) marks.add(id, within);
    }
    let ids: number[] = [];
    for (const clause of clauses) {
      const walk = (fuzzyMatch: boolean) => {
        const before = within;
        const fieldsHit = clause.prefix ? undefined : fieldsOf.get(clause.word);
        const stamp = marks.begin(index.nextId);
        const found: number[] = [];
        for (let f = 0; f < FIELDS.length; f++) {
          const averageLength = averages[f]!;
          // One term's postings arrive together; its share is added once the term's document
          // frequency (all its live postings in the field, candidates or not) is known.
          let term: string | undefined;
          let repeated = false;
          let matching = 0;
          let pending = 0;
          const settle = () => {
            if (term === undefined || pending === 0) return;
            const weight = termWeight(clause.word, term, clause.prefix) * fieldBoosts[f]! * inverseDocumentFrequency(matching, count);
            for (let i = 0; i < pending; i++) scores.add(pendingIds[i]!, weight * pendingShares[i]!);
          };
          index.mini.search(
            { queries: [clause.word], prefix: clause.prefix, fuzzy: fuzzyMatch ? (fuzzy as number) : false },
            {
              fields: [FIELDS[f]!],
              boostDocument: (id: unknown, matched: string) => {
                if (matched !== term) {
                  settle();
                  term = matched;
                  terms.add(matched);
                  // A dense copy of the term's repeats: one array read per posting, not a hash lookup.
                  const repeats = index.repeats[f]!.get(matched);
                  repeated = repeats !== undefined;
                  if (repeats) {
                    frequencies.begin(index.nextId);
                    for (const [id, frequency] of repeats) frequencies.add(id, frequency);
                  }
                  matching = 0;
                  pending = 0;
                }
                matching++;
                const n = id as number;
                // Adding a document to this word's set takes it out of the previous one (see
                // IdMarks), so one already found in an earlier field is a candidate too.
                if (!marks.has(n, stamp)) {
                  if (before !== undefined && !marks.has(n, before)) return 0;
                  marks.add(n, stamp);
                  found.push(n);
                }
                if (fieldsHit) fieldsHit[n]! |= 1 << f;
                if (pending === pendingIds.length) growPending();
                pendingIds[pending] = n;
                const frequency = repeated ? frequencies.get(n) || 1 : 1;
                pendingShares[pending++] = termFrequencyScore(frequency, fieldLengths[n * 3 + f]!, averageLength);
                return 0;
              },
            },
          );
          settle();
        }
        return { found, stamp };
      };
      let next = walk(false);
      if (next.found.length === 0 && clause.prefix && fuzzable(clause.word)) next = walk(true);
      if (next.found.length === 0) return none;
      ids = next.found;
      within = next.stamp;
    }
    if (phrases.length > 0) {
      ids = ids.filter((id) =>
        phrases.every((phrase) => containsPhrase(index.byId[id]!, phrase.pattern, phraseFields(phrase.words, fieldsOf, id))),
      );
    }

    // As MiniSearch's AND query: the sum over the words, times the number of distinct words.
    const quality = new Set(clauses.map((c) => c.word)).size;
    const titleWords = [...q.words, ...q.phrases.flat()];
    const exactTitle = titleWords.join(' ');
    // Only titles of as many distinct words can equal it: a typed-array read spares most entries.
    const titleLength = new Set(titleWords).size;
    const out = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const score = scores.get(id) * quality;
      // A title that is exactly the query is what the user is looking for, whatever BM25 says.
      const exact = fieldLengths[id * 3] === titleLength && index.byId[id]!.titleKey === exactTitle;
      out[i] = exact ? score * 2 : score;
    }
    return { ids, scores: out, terms: [...terms] };
  };

  // Postings of the term being walked, until its document frequency is known (see search).
  let pendingIds = new Int32Array(1024);
  let pendingShares = new Float64Array(1024);
  const growPending = () => {
    const ids = new Int32Array(pendingIds.length * 2);
    ids.set(pendingIds);
    const shares = new Float64Array(pendingShares.length * 2);
    shares.set(pendingShares);
    pendingIds = ids;
    pendingShares = shares;
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
      const locations = ids ? ids.map((id) => index.byId[id]!.document.location) : [...index.entries.keys()];
      for (const location of locations) discard(index, location);
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
          lists.push({ type, index, ...search(index, q) });
        }
        ranked.set(key, lists);
      }
      // The page's candidates from each type, then the page across types. Ties are broken by
      // (type, location) so pages are stable across requests.
      const wanted = q.offset + q.limit;
      const candidates: Hit[] = [];
      let total = 0;
      for (const { type, index, ids, scores, terms } of lists) {
        total += ids.length;
        const location = (i: number) => index.byId[ids[i]!]!.document.location;
        const positions = Array.from({ length: ids.length }, (_, i) => i);
        for (const i of topK(positions, wanted, (a, b) => scores[b]! - scores[a]! || compare(location(a), location(b)))) {
          candidates.push({ entry: index.byId[ids[i]!]!, type, score: scores[i]!, terms });
        }
      }
      const best = topK(
        candidates,
        wanted,
        (a, b) =>
          b.score - a.score ||
          compare(a.type, b.type) ||
          compare(a.entry.document.location, b.entry.document.location),
      );
      const page = best.slice(q.offset);
      return {
        results: page.map((hit, i) => toResult(hit, q.offset + i + 1, q)),
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

/**
 * The fields of entry `id` that can hold a phrase: those with all its words (bits 1 title, 2 text,
 * 4 extra). The other fields' text holds a word the title has only as the title's (see
 * `Entry.extraWords`), so a title word counts as one of theirs.
 */
function phraseFields(words: readonly string[], fieldsOf: ReadonlyMap<string, Uint8Array>, id: number): number {
  let fields = 7;
  for (const word of words) {
    const hit = fieldsOf.get(word)![id]!;
    fields &= hit | (hit & 1 ? 4 : 0);
  }
  return fields;
}

/** True when the phrase occurs in one of `fields` (bits 1 title, 2 text, 4 other fields). */
function containsPhrase(entry: Entry, phrase: RegExp, fields: number): boolean {
  return (
    ((fields & 1) !== 0 && phrase.test(entry.document.title)) ||
    ((fields & 2) !== 0 && phrase.test(entry.document.text)) ||
    ((fields & 4) !== 0 && phrase.test(entry.extra))
  );
}
