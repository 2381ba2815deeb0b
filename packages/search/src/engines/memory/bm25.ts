/*
 * MiniSearch's scoring, restated so the engine can score the postings it walks once to match a
 * query, instead of having MiniSearch walk them all again to score (see index.ts). Values are those
 * of MiniSearch 7 (`defaultSearchOptions`: bm25 { k: 1.2, b: 0.7, d: 0.5 }, weights { fuzzy: 0.45,
 * prefix: 0.375 }); bm25.test.ts checks the engine's ranking against MiniSearch's own on a corpus.
 */
const K1 = 1.2;
const B = 0.7;
const D = 0.5;
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;

/** Inverse document frequency of a term found in `matching` of `count` documents' field. */
export function inverseDocumentFrequency(matching: number, count: number): number {
  return Math.log(1 + (count - matching + 0.5) / (matching + 0.5));
}

/** The part of a field's BM25 score that depends on the document: term frequency and length. */
export function termFrequencyScore(frequency: number, fieldLength: number, averageLength: number): number {
  return D + (frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * fieldLength) / averageLength));
}

/**
 * Weight of an indexed `term` matched by the query word `word`: 1 as written, less for a longer
 * word it is a prefix of, less again for a misspelling, as MiniSearch weighs prefix and fuzzy terms.
 */
export function termWeight(word: string, term: string, prefix: boolean): number {
  if (term === word) return 1;
  if (prefix && term.startsWith(word)) {
    return (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * (term.length - word.length));
  }
  return (FUZZY_WEIGHT * term.length) / (term.length + editDistance(word, term));
}

/** Levenshtein distance (insertions, deletions, substitutions), as MiniSearch's fuzzy match counts it. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
