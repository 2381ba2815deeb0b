const WORD = /[\p{L}\p{N}]+/gu;

/** Options of {@link highlightText}. */
export interface HighlightOptions {
  preTag: string;
  postTag: string;
  /** When the text has more words, return a fragment of this many words around the first match. */
  maxWords?: number;
}

/**
 * Wrap the words of `text` for which `isMatch(lowerCasedWord)` holds in the tags. Long text is cut
 * to a fragment around the first match, like PostgreSQL's `ts_headline` with `MaxWords`.
 * Returns undefined when nothing matched, so callers only report fields that did.
 */
export function highlightText(
  text: string,
  isMatch: (word: string) => boolean,
  options: HighlightOptions,
): string | undefined {
  const words = [...text.matchAll(WORD)];
  const matched = words.map((w) => isMatch(w[0].toLowerCase()));
  const first = matched.indexOf(true);
  if (first === -1) return undefined;

  let from = 0;
  let to = text.length;
  let fromWord = 0;
  let toWord = words.length;
  const maxWords = options.maxWords;
  if (maxWords !== undefined && words.length > maxWords) {
    // Start a few words before the first match so it reads in context.
    fromWord = Math.max(0, Math.min(first - 5, words.length - maxWords));
    toWord = fromWord + maxWords;
    from = words[fromWord]!.index;
    const last = words[toWord - 1]!;
    to = last.index + last[0].length;
  }

  let out = '';
  let cursor = from;
  for (let i = fromWord; i < toWord; i++) {
    if (!matched[i]) continue;
    const w = words[i]!;
    out += text.slice(cursor, w.index) + options.preTag + w[0] + options.postTag;
    cursor = w.index + w[0].length;
  }
  return out + text.slice(cursor, to);
}
