import { InputError, NotFoundError, toHttpResponse } from '../errors.js';
import type { Handler } from '../handler.js';

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
    routes.push({
      method,
      wildcard,
      handler,
      segments: parts.map((part) => (part.startsWith(':') ? { param: part.slice(1) } : { literal: part })),
    });
    return router;
  };

  const match = (method: string, segments: string[]) => {
    for (const route of routes) {
      if (route.method !== undefined && route.method !== method) continue;
      const params = matchRoute(route, segments);
      if (params) return { route, params };
    }
    return undefined;
  };

  const handler: Handler = async (request) => {
    let found: ReturnType<typeof match>;
    let url: URL;
    try {
      url = new URL(request.url);
      const rest = stripBasePath(url.pathname, basePath);
      const segments = rest === undefined ? undefined : rest.split('/').filter(Boolean);
      found =
        segments &&
        (match(request.method, segments) ?? (request.method === 'HEAD' ? match('GET', segments) : undefined));
      if (!found) return toHttpResponse(new NotFoundError(`no route for ${request.method} ${url.pathname}`), request);
    } catch (error) {
      // Malformed percent-encoding in a path segment.
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

function matchRoute(route: Route, segments: string[]): Record<string, string> | undefined {
  const n = route.segments.length;
  if (route.wildcard ? segments.length < n : segments.length !== n) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const pattern = route.segments[i]!;
    const value = decode(segments[i]!);
    if ('literal' in pattern) {
      if (pattern.literal !== value) return undefined;
    } else {
      params[pattern.param] = value;
    }
  }
  if (route.wildcard) params['*'] = segments.slice(n).map(decode).join('/');
  return params;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InputError(`malformed percent-encoding in path segment ${JSON.stringify(segment)}`);
  }
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
