import { InputError, toHttpResponse } from '@portalkit/core';
import type { Handler } from '@portalkit/core';

/**
 * Gives every docs URL one spelling before the TechDocs handler sees it: each path segment below
 * `basePath` must decode, be non-empty (only a final `/` may end the path) and, decoded, be
 * neither `.` nor `..` nor hold `/`, `\`, control characters or a still-encoded dot or separator.
 * So `a//b`, `a/..%2f..%2fb` and `a/%2F%2Fevil.example` are 400s instead of another site's page
 * served for the first site's URL. (`..` and `%2e%2e` never get here: the URL parser already
 * resolved them, so the path a handler sees is the page it names.)
 *
 * @example
 * ```ts
 * const plugin = techdocsPlugin({ publisher, getEntity });
 * const guarded = { ...plugin, handler: guardDocsPaths(plugin.handler!, '/api/techdocs') };
 * ```
 */
export function guardDocsPaths(handler: Handler, basePath: string): Handler {
  const prefix = `${basePath.replace(/\/+$/, '')}/`;
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith(prefix)) {
      const problem = segmentProblem(pathname.slice(prefix.length).split('/'));
      if (problem) return toHttpResponse(new InputError(`docs path ${problem}`), request);
    }
    return handler(request);
  };
}

function segmentProblem(segments: string[]): string | undefined {
  for (const [i, raw] of segments.entries()) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return 'is not valid percent-encoding';
    }
    if (segment === '') {
      if (i === segments.length - 1) continue;
      return 'has an empty segment';
    }
    if (segment === '.' || segment === '..') return 'has a dot segment';
    if (/[/\\\u0000-\u001f\u007f]/.test(segment)) return 'has an encoded separator or control character';
    // Encoded twice, a dot or separator would reappear for anything that decodes once more.
    if (/%(2e|2f|5c|00)/i.test(segment)) return 'has a doubly encoded dot or separator';
  }
  return undefined;
}
