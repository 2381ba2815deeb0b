/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string alignment),
 * compared case-insensitively: typos in ids are mostly a swapped, missing or doubled letter
 * (`fecth:template`, `repoURL`). A few lines of code, so no dependency for it.
 */
export function typoDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows, not the whole table: memory stays linear in the words' length.
  let before: number[] = [];
  let previous: number[] = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      row.push(best);
    }
    before = previous;
    previous = row;
  }
  return previous[t.length]!;
}

/** Longer words get no suggestion: ids are short, and the distance costs the product of the lengths. */
const MAX_SUGGESTED_LENGTH = 100;

/**
 * The candidate nearest to `word`, when it is near enough to be a typo of it: at most one edit
 * for words up to 4 characters, two up to 8, three beyond. Ties go to the first candidate. Words
 * over 100 characters (an untrusted template's step ids can be megabytes) get none.
 *
 * @example
 * ```ts
 * nearest('fetch:templte', ['fetch:plain', 'fetch:template']); // 'fetch:template'
 * nearest('nope', ['lower', 'upper']); // undefined
 * ```
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > MAX_SUGGESTED_LENGTH) return undefined;
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    // A length gap beyond the limit is beyond it in distance too: long words cost nothing.
    if (candidate === word || Math.abs(candidate.length - word.length) > limit) continue;
    const distance = typoDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * ` (did you mean \`x\`?)` for a near miss, else `''`: the tail of an error message.
 *
 * @example
 * ```ts
 * `unknown action \`fetch:templte\`${didYouMean('fetch:templte', ids)}`;
 * ```
 */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = nearest(word, candidates);
  return match === undefined ? '' : ` (did you mean \`${match}\`?)`;
}
