/**
 * The slug functions MkDocs users name in `markdown_extensions: toc: slugify`, written to give
 * Python's result byte for byte: Python-Markdown's `markdown.extensions.toc.slugify` (the
 * default) and `slugify_unicode`, and pymdown-extensions' `pymdownx.slugs.slugify(case,
 * percent_encode, normalize)` with its named shorthands (`uslugify`, `gfm`, ...).
 *
 * Python's `\w` on a `str` is `isalnum() or '_'`: letters (L*) and numbers (N*), not marks;
 * its `\s` and `strip()` are `isspace()`, which JavaScript's `\s` is not (it has U+FEFF and
 * lacks U+001C-U+001F and U+0085). Characters are read with the runtime's Unicode data
 * (Node 20: Unicode 15.1 or later); Python 3.11 uses Unicode 14, so only characters assigned
 * since then can differ.
 */

/** A slug function as Python-Markdown calls it: `slugify(text, separator)`. */
export type Slugify = (text: string, separator: string) => string;

/**
 * pymdownx.slugs' `case` option.
 *
 * @example
 * ```ts
 * const slugCase: SlugCase = 'lower-ascii'; // what `pymdownx.slugs.gfm` uses
 * ```
 */
export type SlugCase = 'none' | 'lower' | 'lower-ascii' | 'fold';

/**
 * Unicode normalisation form, as Python's `unicodedata.normalize` names them.
 *
 * @example
 * ```ts
 * const form: SlugNormalization = 'NFKD';
 * ```
 */
export type SlugNormalization = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

/**
 * Which slug function headings get their ids from: Python-Markdown's (`unicode: false` is its
 * default `slugify`, `true` is `slugify_unicode`) or pymdownx's configurable one.
 *
 * @example
 * ```ts
 * // slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}
 * const option: SlugifyOption = { kind: 'pymdownx', case: 'lower', percentEncode: false, normalize: 'NFC' };
 * ```
 */
export type SlugifyOption =
  | { kind: 'python-markdown'; unicode: boolean }
  | { kind: 'pymdownx'; case: SlugCase; percentEncode: boolean; normalize: SlugNormalization };

// Python's str.isspace(), which `\s` and strip() use.
const pySpace = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const pyWord = '\\p{L}\\p{N}_';
const notWordSpaceDash = new RegExp(`[^${pyWord}${pySpace}-]`, 'gu');
const notWordDashSpace = new RegExp(`[^${pyWord}\\- ]`, 'gu');
// After NFKD: what is neither ASCII nor an ASCII word character, whitespace or `-` goes.
const notAsciiWordSpaceDash = /[^A-Za-z0-9_\t\n\v\f\r\x1c-\x20-]/g;
const asciiUpper = /[A-Z]+/g;
const separatorRuns = new Map<string, RegExp>();

/**
 * Python's `str.strip()`: whitespace as `str.isspace()` reads it, at both ends.
 *
 * @example
 * ```ts
 * pyStrip('\u001c a \u0085'); // 'a'
 * ```
 */
export function pyStrip(text: string): string {
  // A loop, not /^\s+|\s+$/: that pattern retries a long inner run of spaces at each of its
  // positions, quadratic in a heading an author padded with spaces.
  let start = 0;
  let end = text.length;
  while (start < end && isPySpace(text.charCodeAt(start))) start++;
  while (end > start && isPySpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

// Python's whitespace is all in the BMP: one UTF-16 unit each.
function isPySpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code >= 0x1c;
  if (code < 0x85) return false;
  return (
    code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 ||
    code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000
  );
}

/**
 * Characters a separator may hold: Python pastes it into a regular expression character class
 * (`[{sep}\s]+`) and a `re.sub` template, where these would change the pattern's meaning.
 */
export function isSafeSeparator(separator: string): boolean {
  return separator === '-' || !/[-\\[\]^]/.test(separator);
}

/**
 * `markdown.extensions.toc.slugify(value, separator, unicode)`: without `unicode`, NFKD and
 * then only ASCII is kept (`žlutý` -> `zluty`); characters other than word characters,
 * whitespace and `-` are dropped, the ends stripped, the rest lower-cased, and each run of
 * whitespace and separators becomes one separator.
 *
 * @example
 * ```ts
 * tocSlugify('Café déjà vu!', '-', false); // 'cafe-deja-vu'
 * ```
 */
export function tocSlugify(value: string, separator: string, unicode: boolean): string {
  let text: string;
  if (unicode) text = pyStrip(value.replace(notWordSpaceDash, '')).toLowerCase();
  // ASCII only from here: plain character classes are several times faster than `\p{...}`.
  else text = pyStrip(value.normalize('NFKD').replace(notAsciiWordSpaceDash, '')).toLowerCase();
  return separator.includes('$') ? text.replace(separatorRun(separator), () => separator) : text.replace(separatorRun(separator), separator);
}

function separatorRun(separator: string): RegExp {
  let pattern = separatorRuns.get(separator);
  if (!pattern) {
    const literal = separator === '-' ? '\\-' : separator;
    pattern = new RegExp(`[${literal}${pySpace}]+`, 'gu');
    if (separatorRuns.size < 16) separatorRuns.set(separator, pattern);
  }
  return pattern;
}

/**
 * `pymdownx.slugs.slugify(case=..., percent_encode=..., normalize=...)`: normalise, drop
 * anything that looks like a tag, strip, apply the case, drop characters other than word
 * characters, `-` and spaces, turn each space into the separator, and optionally percent-encode
 * the UTF-8 bytes as Python's `urllib.parse.quote` does.
 *
 * @example
 * ```ts
 * pymdownxSlugify({ case: 'lower', percentEncode: false, normalize: 'NFC' })('Ünï Code', '-'); // 'ünï-code'
 * ```
 */
export function pymdownxSlugify(options: { case: SlugCase; percentEncode: boolean; normalize: SlugNormalization }): Slugify {
  return (value, separator) => {
    let slug = pyStrip(stripTags(value.normalize(options.normalize)));
    if (options.case === 'lower') slug = slug.toLowerCase();
    else if (options.case === 'lower-ascii') slug = slug.replace(asciiUpper, (m) => m.toLowerCase());
    else if (options.case === 'fold') slug = casefold(slug);
    slug = slug.replace(notWordDashSpace, '').replaceAll(' ', () => separator);
    return options.percentEncode ? pyQuote(slug) : slug;
  };
}

/**
 * pymdownx's `RE_TAGS.sub('', text)` with `</?[^>]*>`: each `<` up to the next `>`. A loop: the
 * expression tries every `<` against the rest of the text, quadratic for a heading of `<<<<`.
 */
function stripTags(text: string): string {
  let open = text.indexOf('<');
  if (open === -1) return text;
  let out = '';
  let from = 0;
  while (open !== -1) {
    const close = text.indexOf('>', open + 1);
    if (close === -1) break;
    out += text.slice(from, open);
    from = close + 1;
    open = text.indexOf('<', from);
  }
  return out + text.slice(from);
}

/**
 * The slug function an option names.
 *
 * @example
 * ```ts
 * createSlugify({ kind: 'python-markdown', unicode: true })('日本語 Title', '-'); // '日本語-title'
 * ```
 */
export function createSlugify(option: SlugifyOption | undefined): Slugify {
  if (!option || option.kind === 'python-markdown') {
    const unicode = option?.unicode ?? false;
    return (value, separator) => tocSlugify(value, separator, unicode);
  }
  return pymdownxSlugify(option);
}

/**
 * Python's `str.casefold()`. Per character it is the lower case of the upper case, except
 * where Unicode's case folding says otherwise: Cherokee folds to its capitals, `ẞ` to `ss`,
 * dotless `ı` stays itself (checked against Python over every code point).
 */
function casefold(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x80) out += char.toLowerCase();
    else if (code === 0x131) out += char;
    else if (code === 0x1e9e) out += 'ss';
    else if (code >= 0x13a0 && code <= 0x13f5) out += char;
    else if (code >= 0x13f8 && code <= 0x13fd) out += String.fromCodePoint(code - 8);
    else if (code >= 0xab70 && code <= 0xabbf) out += String.fromCodePoint(code - 0xab70 + 0x13a0);
    else for (const upper of char.toUpperCase()) out += upper.toLowerCase();
  }
  return out;
}

// urllib.parse.quote(bytes) with its default safe='/': letters, digits and `_.-~/` stay, every
// other UTF-8 byte is `%XX`. encodeURIComponent differs only on `!'()*` (kept) and `/` (escaped).
function pyQuote(text: string): string {
  return encodeURIComponent(text.replace(/\p{Cs}/gu, '\ufffd'))
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%2F', '/');
}
