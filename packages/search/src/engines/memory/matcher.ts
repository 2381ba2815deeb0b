import { isFuzzyWord } from '../../query.js';
import type { NormalizedQuery } from '../../query.js';
import { inverseDocumentFrequency, termFrequencyScore, termWeight } from './bm25.js';
import { allowedIds } from './facets.js';
import { containsPhrase, phraseFields, phrasePattern } from './phrases.js';
import { FIELDS } from './types.js';
import type { Matches, TypeIndex } from './types.js';

/** Options of {@link createMatcher}: the engine's resolved field boosts and fuzziness. */
export interface MatcherOptions {
  boost: { title: number; text: number; extra: number };
  fuzzy: number | false;
}

/** Runs a normalized query against one type's index: candidates, BM25 scores, matched terms. */
export interface Matcher {
  /** `visible`, when given, are the only ids the principal may see: nothing else is matched. */
  search(index: TypeIndex, q: NormalizedQuery, visible?: ReadonlySet<number>): Matches;
}

/**
 * The query matcher. Its state is the scratch buffers for the postings of the term being walked,
 * reused by every query (queries run synchronously, one at a time).
 */
export function createMatcher({ boost, fuzzy }: MatcherOptions): Matcher {
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
  const search = (index: TypeIndex, q: NormalizedQuery, visible?: ReadonlySet<number>): Matches => {
    const { marks, scores, frequencies, fieldLengths } = index;
    // Hidden documents are out before any word is matched, so they sway neither the results nor
    // whether a word is matched fuzzily.
    const filtered = allowedIds(index, q.filters);
    const allowed = visible === undefined ? filtered : filtered ? filtered.filter((id) => visible.has(id)) : [...visible];
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

    return { ids, scores: finalScores(index, q, ids), terms: [...terms] };
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

  return { search };
}

/**
 * The scores of the matched `ids`, from the score sheet the walk filled. As MiniSearch's AND
 * query: the sum over the words, times the number of distinct words; doubled for a title that is
 * exactly the query.
 */
function finalScores(index: TypeIndex, q: NormalizedQuery, ids: readonly number[]): Float64Array {
  const { scores, fieldLengths } = index;
  // The words matched: the query's words and its phrases' words (the walk's clauses).
  const titleWords = [...q.words, ...q.phrases.flat()];
  const quality = new Set(titleWords).size;
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
  return out;
}
