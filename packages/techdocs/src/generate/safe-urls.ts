import type { Element, Root } from 'hast';
import { defaultSchema, type Schema } from 'hast-util-sanitize';
import { forEachElement } from './walk.js';

/**
 * Properties whose value a browser follows or loads as a URL (lowercased hast names: an
 * attribute inside `<svg>` or `<math>` may be named differently from its HTML twin), and the
 * schema protocol list that applies when the schema names none for the property itself: media
 * and image sources follow `src`, everything else `href`. `to`, `from` and `values` are SVG
 * animation targets (`<animate attributeName="href" to="javascript:...">`).
 */
const urlProperties = new Map<string, 'href' | 'src'>([
  ['href', 'href'],
  ['src', 'src'],
  ['srcset', 'src'],
  ['poster', 'src'],
  ['background', 'src'],
  ['lowsrc', 'src'],
  ['dynsrc', 'src'],
  ['data', 'src'],
  ['longdesc', 'href'],
  ['cite', 'href'],
  ['action', 'href'],
  ['formaction', 'href'],
  ['xlinkhref', 'href'],
  ['ping', 'href'],
  ['codebase', 'href'],
  ['archive', 'href'],
  ['classid', 'href'],
  ['profile', 'href'],
  ['manifest', 'href'],
  ['icon', 'href'],
  ['itemtype', 'href'],
  ['usemap', 'href'],
  ['attributionsrc', 'href'],
  ['to', 'href'],
  ['from', 'href'],
  ['values', 'href'],
]);

const tabOrNewline = /[\t\n\r]/g;
const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * The scheme a browser reads from a URL attribute value (lowercase), or `undefined` for a
 * relative URL. The value is the decoded attribute text (hast holds it without character
 * references), parsed the way the WHATWG URL parser finds a scheme.
 *
 * @example
 * ```ts
 * urlScheme(' java\tscript:alert(1)'); // 'javascript'
 * urlScheme('./javascript:alert(1)'); // undefined
 * ```
 */
export function urlScheme(value: string): string | undefined {
  const match = scheme.exec(browserUrl(value));
  return match?.[1]?.toLowerCase();
}

/**
 * The URL text the WHATWG URL parser reads from an attribute value: leading and trailing C0
 * controls and spaces dropped, and tabs and newlines anywhere (so `java\tscript:` is
 * `javascript:` and `..\t/` is `../`).
 *
 * @example
 * ```ts
 * browserUrl(' ..\t/x.png\n'); // '../x.png'
 * ```
 */
export function browserUrl(value: string): string {
  return trimControls(value).replace(tabOrNewline, '');
}

// A loop, not /^[\0- ]+|[\0- ]+$/: that pattern retries a long inner run of spaces at each of
// its positions, quadratic in an attribute an author padded with spaces.
function trimControls(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * rehype plugin checking every URL of the finished page, after the last rewrite: every
 * URL-bearing property (`href`, `src`, `srcset`, `poster`, `action`, `formaction`, `cite`,
 * `xlink:href`, `background`, `longdesc`, `data`, `ping`, SVG `to`/`values`, ...) whose
 * scheme, as a browser reads it, is not in the schema's protocol allow-list is removed. A
 * property without a list of its own uses `src`'s (media) or `href`'s; an empty list allows
 * relative URLs only. Sanitising checks the URLs the author wrote; this checks the ones the
 * page ends up with, after link rewriting and any host plugin.
 *
 * @example
 * ```ts
 * processor.use(rehypeDocsLinks).use(rehypeSafeUrls, docsSanitizeSchema).use(rehypeStringifyFast);
 * ```
 */
export function rehypeSafeUrls(options?: Schema) {
  // A schema without protocols would let the sanitiser pass any scheme; here it means the defaults.
  const protocols = options?.protocols ?? defaultSchema.protocols ?? {};
  const lists = new Map<string, string[]>();
  for (const [key, list] of Object.entries(protocols)) if (list) lists.set(key.toLowerCase(), list);
  const allowed = new Map<string, Set<string>>();
  for (const [property, fallback] of urlProperties) {
    const list = lists.get(property) ?? lists.get(fallback) ?? [];
    allowed.set(property, new Set(list.map((p) => p.toLowerCase())));
  }
  return (tree: Root) => {
    forEachElement(tree, (node) => {
      for (const key in node.properties) {
        const safe = allowed.get(key.toLowerCase());
        if (safe && !safeValue(node, key, safe)) delete node.properties[key];
      }
    });
  };
}

function safeValue(node: Element, key: string, safe: Set<string>): boolean {
  const value = node.properties[key];
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') return true;
  const items = Array.isArray(value) ? value.map(String) : [String(value)];
  for (const item of items) {
    const name = key.toLowerCase();
    // srcset holds `url descriptor` candidates; SVG `values` a `;`-separated list of keyframes.
    const urls = name === 'srcset' ? srcSetUrls(item) : name === 'values' ? item.split(';') : [item];
    for (const url of urls) {
      const found = urlScheme(url);
      if (found !== undefined && !safe.has(found)) return false;
    }
  }
  return true;
}

// A srcset item is `url [descriptor]`; a string holding several is split at commas first.
function srcSetUrls(value: string): string[] {
  return value
    .split(',')
    .map((candidate) => trimControls(candidate).split(/[\t\n\f\r ]+/)[0] ?? '')
    .filter((url) => url !== '');
}
