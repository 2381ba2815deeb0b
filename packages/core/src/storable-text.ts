// A UTF-16 surrogate without its partner: no UTF-8 spelling exists for it.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const loneSurrogates = new RegExp(loneSurrogate.source, 'g');
const suspect = /[\u0000\uD800-\uDFFF]/;

/**
 * True when `value` holds a lone UTF-16 surrogate: text with no UTF-8 form, which PostgreSQL
 * (and jsonb) refuse in the middle of a statement. Stores refuse such query text up front, the
 * same way on every store.
 *
 * @example
 * ```ts
 * hasLoneSurrogate('a\ud800b'); // true
 * hasLoneSurrogate('😀'); // false: a whole pair
 * ```
 */
export function hasLoneSurrogate(value: string): boolean {
  return loneSurrogate.test(value);
}

/**
 * Text as every store can hold it: each NUL replaced by `nul` (dropped by default) and each lone
 * surrogate by U+FFFD (what PostgreSQL's client encoding would make of it anyway). Text without
 * either is returned as it is after one scan, so indexing paths stay fast.
 *
 * @example
 * ```ts
 * toStorableText('a\u0000b\ud800'); // 'ab\ufffd'
 * toStorableText('a\u0000b', '\ufffd'); // 'a\ufffdb'
 * ```
 */
export function toStorableText(value: string, nul = ''): string {
  if (!suspect.test(value)) return value;
  return value.replace(/\u0000/g, nul).replace(loneSurrogates, '\uFFFD');
}
