import { InputError, NotFoundError, toHttpResponse } from '../errors.js';
import type { Handler } from '../handler.js';
import { assertCanonicalTarget } from './request-target.js';
import { normalizeBasePath, stripBasePath } from './router.js';

/**
 * A handler and the path prefix it serves.
 * @example
 * ```ts
 * const mount: Mount = { basePath: '/api/catalog', handler: catalogHandler };
 * ```
 */
export interface Mount {
  /** e.g. `/api/catalog`; `/` serves everything no longer prefix claims. */
  basePath: string;
  /** Receives the request unchanged (full path). */
  handler: Handler;
}

/**
 * Compose handlers by path prefix: each request goes to the mount with the longest `basePath`
 * that is a whole-segment prefix of its path (`/api/catalog` serves `/api/catalog/x`, not
 * `/api/catalogue`). No match is a 404 with Backstage's error body; a handler that throws is
 * answered with the matching error response.
 *
 * @example
 * ```ts
 * const fetch = mountHandlers([
 *   { basePath: '/api/catalog', handler: catalog.handler() },
 *   { basePath: '/', handler: async () => new Response('<h1>Portal</h1>', { headers: { 'content-type': 'text/html' } }) },
 * ]);
 * ```
 */
export function mountHandlers(mounts: Mount[]): Handler {
  const seen = new Set<string>();
  const normalized = mounts.map((mount) => {
    const basePath = normalizeBasePath(mount.basePath);
    if (seen.has(basePath)) throw new InputError(`mountHandlers: two handlers are mounted at ${basePath || '/'}`);
    if (typeof mount.handler !== 'function') throw new InputError(`mountHandlers: handler at ${basePath || '/'} must be a function`);
    seen.add(basePath);
    return { basePath, handler: mount.handler };
  });
  normalized.sort((a, b) => b.basePath.length - a.basePath.length);

  return async (request) => {
    try {
      const { pathname, search } = new URL(request.url);
      assertCanonicalTarget(pathname, search);
      const mount = normalized.find((m) => stripBasePath(pathname, m.basePath) !== undefined);
      if (!mount) throw new NotFoundError(`nothing is mounted at ${pathname}`);
      return await mount.handler(request);
    } catch (error) {
      return toHttpResponse(error, request);
    }
  };
}
