/**
 * Text gathered piece by piece with its whitespace collapsed on the way in: the result is
 * `pieces.join('').replace(/\s+/g, ' ').trim()`, without joining the pieces or running the
 * regular expression over the whole text afterwards (on a page's search text, the replace
 * alone cost more than walking the tree).
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
  let out = '';
  // Whitespace seen since the last word: one space, written only if another word follows.
  let pending = false;
  return {
    add(piece) {
      const n = piece.length;
      let i = 0;
      while (i < n) {
        let start = i;
        while (start < n && isSpace(piece.charCodeAt(start))) start++;
        if (start > i) pending = true;
        if (start === n) return;
        let end = start + 1;
        while (end < n && !isSpace(piece.charCodeAt(end))) end++;
        if (pending && out !== '') out += ' ';
        pending = false;
        out += start === 0 && end === n ? piece : piece.slice(start, end);
        i = end;
      }
    },
    text: () => out,
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
