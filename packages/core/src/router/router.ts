import { InputError, NotFoundError, toHttpResponse } from '../errors.js';
import type { Handler } from '../handler.js';
import { assertJsonRequest } from './content-type.js';
import { assertCanonicalTarget } from './request-target.js';

/**
 * What a route handler receives besides the request.
 * @example
 * ```ts
 * router.get('/items/:id', (request, { params, url }: RouteContext) => Response.json({ id: params.id, q: url.search }));
 * ```
 */
export interface RouteContext {
  /** Values of `:param` segments, and `*` for the rest of the path under a trailing wildcard. */
  params: Record<string, string>;
  /** The parsed request URL. */
  url: URL;
}

/**
 * Serves one route. Thrown portalkit errors become Backstage JSON error responses.
 * @example
 * ```ts
 * const getItem: RouteHandler = (request, { params }) => Response.json({ id: params.id });
 * ```
 */
export type RouteHandler = (request: Request, context: RouteContext) => Response | Promise<Response>;

/**
 * A small web-standard router. Routes are matched in the order they were added.
 *
 * Every request passes the same edge rules before a route runs: one spelling per path (encoded
 * separators, dot segments, `//`, `%61` for `a`, malformed escapes, invalid UTF-8 and NUL in the
 * path or query are a 400 `InputError`; literal segments match only as written; a trailing
 * slash matches only a `*` route), and any method but GET, HEAD and OPTIONS needs a JSON
 * `Content-Type`, else 415 (`UnsupportedMediaTypeError`).
 *
 * @example
 * ```ts
 * const router = createRouter({ basePath: '/api/catalog' })
 *   .get('/entities/by-name/:kind/:namespace/:name', (req, { params }) => Response.json(params))
 *   .get('/static/*', (req, { params }) => new Response(params['*']));
 * const res = await router.handler(new Request('http://localhost/api/catalog/entities/by-name/component/default/a'));
 * ```
 */
export interface Router {
  get(path: string, handler: RouteHandler): Router;
  post(path: string, handler: RouteHandler): Router;
  put(path: string, handler: RouteHandler): Router;
  patch(path: string, handler: RouteHandler): Router;
  delete(path: string, handler: RouteHandler): Router;
  /** Any method. */
  all(path: string, handler: RouteHandler): Router;
  /** The router as a {@link Handler}; unknown routes answer 404 with Backstage's error body. */
  handler: Handler;
}

/**
 * Options of {@link createRouter}.
 * @example
 * ```ts
 * createRouter({ basePath: '/api/catalog', onError: (error) => logger.error('route failed', { error }) });
 * ```
 */
export interface RouterOptions {
  /** Prefix of every route, e.g. `/api/catalog`; requests outside it answer 404. Default `/`. */
  basePath?: string;
  /** Told about every error a route throws (e.g. to log 5xx), before the error response is sent. */
  onError?: (error: unknown, request: Request) => void;
}

interface Route {
  method: string | undefined;
  segments: Array<{ param: string } | { literal: string }>;
  wildcard: boolean;
  handler: RouteHandler;
}

/**
 * Create a {@link Router}.
 *
 * @example
 * ```ts
 * const router = createRouter({ basePath: '/api/hello' });
 * router.get('/:name', (req, { params }) => Response.json({ hello: params.name }));
 * export const handler = router.handler;
 * ```
 */
export function createRouter(options: RouterOptions = {}): Router {
  const basePath = normalizeBasePath(options.basePath ?? '/');
  const routes: Route[] = [];

  const add = (method: string | undefined) => (path: string, handler: RouteHandler) => {
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new InputError(`createRouter: route path must start with "/", got ${JSON.stringify(path)}`);
    }
    if (typeof handler !== 'function') throw new InputError(`createRouter: handler for ${path} must be a function`);
    const parts = path.split('/').filter(Boolean);
    const wildcard = parts[parts.length - 1] === '*';
    if (wildcard) parts.pop();
    if (parts.includes('*')) throw new InputError(`createRouter: "*" is only allowed at the end of ${path}`);
    // A literal is compared with the raw request segment, so it must be in its one spelling.
    if (parts.some((part) => part === '.' || part === '..' || /[%\\?#]/.test(part))) {
      throw new InputError(`createRouter: ${path} must not contain dot segments, "%", "\\", "?" or "#"`);
    }
    routes.push({
      method,
      wildcard,
      handler,
      segments: parts.map((part) => (part.startsWith(':') ? { param: part.slice(1) } : { literal: part })),
    });
    return router;
  };

  /** The first route for `method` (and, with `orAll`, for any method) matching `segments`. */
  const matchMethod = (method: string, segments: string[], orAll: boolean) => {
    for (const route of routes) {
      if (route.method !== method && !(orAll && route.method === undefined)) continue;
      const params = matchRoute(route, segments);
      if (params) return { route, params };
    }
    return undefined;
  };
  // HEAD is served by the GET route, else by an `all` route.
  const match = (method: string, segments: string[]) =>
    method === 'HEAD'
      ? (matchMethod('GET', segments, false) ?? matchMethod('HEAD', segments, true))
      : matchMethod(method, segments, true);

  const handler: Handler = async (request) => {
    let found: ReturnType<typeof match>;
    let url: URL;
    try {
      url = new URL(request.url);
      // One spelling per path: encoded separators, dot segments, `//`, `%61`, bad UTF-8, NUL.
      assertCanonicalTarget(url.pathname, url.search);
      const segments = routeSegments(url.pathname, basePath);
      found = segments && match(request.method, segments);
      if (!found) return toHttpResponse(new NotFoundError(`no route for ${request.method} ${url.pathname}`), request);
      assertJsonRequest(request);
    } catch (error) {
      return toHttpResponse(error, request);
    }
    try {
      const response = await found.route.handler(request, { params: found.params, url });
      if (!(response instanceof Response)) {
        throw new Error(`route ${request.method} ${url.pathname} did not return a Response`);
      }
      // HEAD answered by a GET route: same status and headers, no body.
      if (request.method === 'HEAD' && response.body) {
        await response.body.cancel();
        return new Response(null, { status: response.status, headers: response.headers });
      }
      return response;
    } catch (error) {
      options.onError?.(error, request);
      return toHttpResponse(error, request);
    }
  };

  const router: Router = {
    get: add('GET'),
    post: add('POST'),
    put: add('PUT'),
    patch: add('PATCH'),
    delete: add('DELETE'),
    all: add(undefined),
    handler,
  };
  return router;
}

/** Raw path segments below the base path (a trailing slash kept as a final `''`), else undefined. */
function routeSegments(pathname: string, basePath: string): string[] | undefined {
  // The root route `/` is spelled `/` without a base path, and as the base path itself under one.
  if (pathname === (basePath || '/')) return [];
  const rest = stripBasePath(pathname, basePath);
  return rest === undefined ? undefined : rest.split('/').slice(1);
}

/**
 * Literal segments match their exact raw spelling (no decoding: `%61pi` is not `api`);
 * `:param` values are percent-decoded. A trailing slash is a different path: only a `*` route
 * matches it (its value leaves the slash out; the handler can read `url.pathname`).
 */
function matchRoute(route: Route, raw: string[]): Record<string, string> | undefined {
  const trailingSlash = raw.length > 0 && raw[raw.length - 1] === '';
  const segments = trailingSlash ? raw.slice(0, -1) : raw;
  if (trailingSlash && !route.wildcard) return undefined;
  const n = route.segments.length;
  if (route.wildcard ? segments.length < n : segments.length !== n) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const pattern = route.segments[i]!;
    if ('literal' in pattern) {
      if (pattern.literal !== segments[i]) return undefined;
    } else {
      params[pattern.param] = decodeURIComponent(segments[i]!);
    }
  }
  if (route.wildcard) params['*'] = segments.slice(n).map((segment) => decodeURIComponent(segment)).join('/');
  return params;
}

/** `/api/catalog/` -> `/api/catalog`; `/` -> ``. */
export function normalizeBasePath(basePath: string): string {
  if (typeof basePath !== 'string') throw new InputError('basePath must be a string');
  const trimmed = `/${basePath}`.replace(/\/+/g, '/').replace(/\/$/, '');
  return trimmed;
}

/** The path below `basePath` (segment-aware: `/api/cat` is not under `/api/catalog`), else undefined. */
export function stripBasePath(pathname: string, basePath: string): string | undefined {
  if (basePath === '') return pathname;
  if (pathname === basePath) return '/';
  if (pathname.startsWith(`${basePath}/`)) return pathname.slice(basePath.length);
  return undefined;
}
