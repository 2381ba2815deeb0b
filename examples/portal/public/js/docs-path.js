// Docs routes name one page of one site: `#/docs/<namespace>/<kind>/<name>/<page…>`. A crafted
// link must never show another site's page (or another origin's) under this entity's name, so
// every segment is checked after decoding, re-encoded one by one when joined, and the resolved
// URL must still lie on the portal's origin under the site's base path.

/** Where the TechDocs plugin serves built sites. */
export const DOCS_STATIC = '/api/techdocs/static/docs/';

/** Whether one decoded segment may be part of a docs route: no `.`/`..`, separators or controls. */
export function isPlainSegment(segment) {
  return typeof segment === 'string' && segment !== '' && segment !== '.' && segment !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(segment);
}

/**
 * The site and page named by the decoded segments after `docs`, or null when any segment is
 * empty (only a final `/` may be), `.`/`..`, or holds a separator or control character.
 */
export function parseDocsRoute(segments) {
  const [namespace, kind, name, ...page] = segments;
  if (![namespace, kind, name].every(isPlainSegment)) return null;
  const parts = page.length > 0 && page[page.length - 1] === '' ? page.slice(0, -1) : page;
  if (!parts.every(isPlainSegment)) return null;
  return { namespace, kind: kind.toLowerCase(), name, page: parts };
}

/** True when `url` is on `base`'s origin and below its path. */
export function isInsideSite(url, base) {
  return url.origin === base.origin && url.pathname.startsWith(base.pathname);
}

/**
 * URLs of a parsed docs route on `origin`: the site's `base`, the `page` its relative links
 * resolve against and the `file` to fetch; null when either would leave the site.
 */
export function docsUrls(site, origin) {
  const base = new URL(`${DOCS_STATIC}${[site.namespace, site.kind, site.name].map(encodeURIComponent).join('/')}/`, origin);
  if (base.origin !== new URL(origin).origin || !base.pathname.startsWith(DOCS_STATIC)) return null;
  const rel = site.page.map(encodeURIComponent).join('/');
  const isFile = rel.endsWith('.html');
  const page = new URL(isFile || !rel ? rel : `${rel}/`, base);
  const file = new URL(isFile ? rel : `${rel ? `${rel}/` : ''}index.html`, base);
  if (!isInsideSite(page, base) || !isInsideSite(file, base)) return null;
  return { base, page, file };
}

/**
 * The docs route of a URL on `origin`: its site and page path (encoded segments, as `docsHref`
 * takes it), or null when the URL is not a page of a built site or a segment would not survive
 * {@link parseDocsRoute}. A link to another site becomes that site's route, under its own name.
 */
export function docsRouteOf(url, origin) {
  if (url.origin !== new URL(origin).origin || !url.pathname.startsWith(DOCS_STATIC)) return null;
  const segments = [];
  for (const s of url.pathname.slice(DOCS_STATIC.length).split('/')) {
    try {
      segments.push(decodeURIComponent(s));
    } catch {
      return null;
    }
  }
  const site = parseDocsRoute(segments);
  if (!site) return null;
  const trailing = segments.length > 3 && segments[segments.length - 1] === '' && site.page.length > 0 ? '/' : '';
  return { site, path: site.page.map(encodeURIComponent).join('/') + trailing };
}
