/**
 * Text gathered piece by piece with its whitespace collapsed on the way in: the result is
 * `pieces.join('').replace(/\s+/g, ' ').trim()`, without running the regular expression over
 * the whole text afterwards. A piece whose words are already one space apart (most text nodes)
 * is kept whole, so collecting allocates little more than the list of pieces.
 *
 * @example
 * ```ts
 * const text = createTextCollector();
 * text.add('  Hello\n');
 * text.add(' world ');
 * text.text(); // 'Hello world'
 * ```
 */
export interface TextCollector {
  add(piece: string): void;
  text(): string;
}

/** Create a {@link TextCollector}. */
export function createTextCollector(): TextCollector {
  const parts: string[] = [];
  // Whitespace seen since the last word: one space, written only if another word follows.
  let pending = false;
  return {
    add(piece) {
      let start = 0;
      let end = piece.length;
      while (start < end && isSpace(piece.charCodeAt(start))) start++;
      if (start === end) {
        if (end > 0) pending = true;
        return;
      }
      while (isSpace(piece.charCodeAt(end - 1))) end--;
      if ((pending || start > 0) && parts.length > 0) parts.push(' ');
      pending = end < piece.length;
      const words = start === 0 && end === piece.length ? piece : piece.slice(start, end);
      parts.push(irregularSpace.test(words) ? words.replace(/\s+/g, ' ') : words);
    },
    text: () => parts.join(''),
  };
}

/**
 * `text.replace(/\s+/g, ' ').trim()`.
 *
 * @example
 * ```ts
 * collapseWhitespace(' a \n b '); // 'a b'
 * ```
 */
export function collapseWhitespace(text: string): string {
  const collector = createTextCollector();
  collector.add(text);
  return collector.text();
}

// Whitespace other than a single space between two words: a tab, newline or other space, or two spaces.
const irregularSpace = /[^\S ]| {2}/;

// Exactly the characters of `\s` (and of String.prototype.trim): WhiteSpace and LineTerminator.
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
