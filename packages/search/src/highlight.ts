const WORD = /[\p{L}\p{N}]+/gu;

/** Options of {@link highlightText}. */
export interface HighlightOptions {
  preTag: string;
  postTag: string;
  /** When the text has more words, return a fragment of this many words around the first match. */
  maxWords?: number;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape the five HTML-special characters, so document text inside a highlight is never markup.
 *
 * @example
 * ```ts
 * escapeHtml('<img src=x>'); // '&lt;img src=x&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Turn a highlight produced with private `sentinels` (PostgreSQL's `ts_headline` output) into the
 * public form: the text HTML-escaped first, then the sentinels replaced by the real tags, so the
 * tags are the only markup in the result.
 *
 * @example
 * ```ts
 * markEscaped('\u0001a\u0002 <b>', { start: '\u0001', stop: '\u0002' }, { preTag: '<mark>', postTag: '</mark>' });
 * // '<mark>a</mark> &lt;b&gt;'
 * ```
 */
export function markEscaped(
  text: string,
  sentinels: { start: string; stop: string },
  tags: Pick<HighlightOptions, 'preTag' | 'postTag'>,
): string {
  return escapeHtml(text).split(sentinels.start).join(tags.preTag).split(sentinels.stop).join(tags.postTag);
}

/**
 * Wrap the words of `text` for which `isMatch(lowerCasedWord)` holds in the tags. Long text is cut
 * to a fragment around the first match, like PostgreSQL's `ts_headline` with `MaxWords`. The text
 * is HTML-escaped before the tags go in, so they are its only markup.
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
    out += escapeHtml(text.slice(cursor, w.index)) + options.preTag + escapeHtml(w[0]) + options.postTag;
    cursor = w.index + w[0].length;
  }
  return out + escapeHtml(text.slice(cursor, to));
}
