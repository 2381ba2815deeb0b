import { InputError, createRouter, toErrorResponseBody } from '@portalkit/core';
import type { Handler, Principal } from '@portalkit/core';
import type { SearchFilters, SearchQuery, SearchResultSet } from './types.js';

/**
 * Options of {@link createSearchHandler}.
 *
 * @example
 * ```ts
 * createSearchHandler({ query: (q) => engine.query(q), types: ['software-catalog'], basePath: '/api/search' });
 * ```
 */
export interface SearchHandlerOptions {
  /** Answer a query; `principal` is the requester's when `identify` is given. */
  query: (query: SearchQuery, principal?: Principal) => Promise<SearchResultSet>;
  /**
   * Who is asking (usually `auth.identify`); its `AuthenticationError` is a 401. Without it every
   * request is answered as the trusted host.
   */
  identify?: (request: Request) => Promise<Principal>;
  /** Types a request may ask for; others are a 400. Empty or absent: any type. */
  types?: readonly string[];
  /** Path prefix the handler is mounted at; default ''. */
  basePath?: string;
}

const TYPES_KEY = /^types(?:\[\d*\])?$/;
const FILTER_KEY = /^filters\[([^\]]+)\](?:\[\d*\])?$/;

/**
 * Parse Backstage's search query string (`term`, `types[0]`, `filters[kind]`, `pageCursor`,
 * `pageLimit`), as sent by `@backstage/plugin-search-react`'s client. Unknown parameters are ignored.
 *
 * @example
 * ```ts
 * parseSearchParams(new URLSearchParams('term=pay&types[0]=software-catalog&filters[kind]=Component&pageLimit=10'));
 * // { term: 'pay', types: ['software-catalog'], filters: { kind: 'Component' }, pageLimit: 10 }
 * ```
 */
export function parseSearchParams(params: URLSearchParams): SearchQuery {
  const query: SearchQuery = { term: '' };
  const types: string[] = [];
  const filters: Record<string, string[]> = {};
  const problems: string[] = [];
  for (const [key, value] of params) {
    if (key === 'term') query.term = value;
    else if (key === 'pageCursor') query.pageCursor = value;
    else if (key === 'pageLimit') {
      const limit = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (Number.isSafeInteger(limit)) query.pageLimit = limit;
      else problems.push(`pageLimit must be a positive integer, got '${value}'`);
    } else if (TYPES_KEY.test(key)) {
      if (value) types.push(value);
    } else {
      const field = FILTER_KEY.exec(key)?.[1];
      if (field !== undefined) (filters[field] ??= []).push(value);
    }
  }
  if (problems.length > 0) throw new InputError(`Invalid search query: ${problems.join('; ')}`);
  if (types.length > 0) query.types = types;
  if (Object.keys(filters).length > 0) {
    query.filters = Object.fromEntries(
      Object.entries(filters).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]),
    ) as SearchFilters;
  }
  return query;
}

/**
 * Serve Backstage's search API: `GET <basePath>/query?term=&types[0]=&filters[kind]=&pageCursor=&pageLimit=`
 * answers `{ results: [{ type, document, highlight, rank }], nextPageCursor, previousPageCursor,
 * numberOfResults }`; bad input is a 400 with Backstage's JSON error body. Served by core's
 * `createRouter`, so paths and query strings follow its rules (one spelling, UTF-8 without NUL).
 *
 * @example
 * ```ts
 * const handler = createSearchHandler({ query: (q) => engine.query(q), basePath: '/api/search' });
 * const res = await handler(new Request('http://x/api/search/query?term=payments'));
 * ```
 */
export function createSearchHandler(options: SearchHandlerOptions): Handler {
  const known = new Set(options.types ?? []);
  return createRouter({ basePath: options.basePath ?? '/' })
    .get('/query', async (request, { url }) => {
      const principal = options.identify ? await options.identify(request) : undefined;
      const query = parseSearchParams(url.searchParams);
      const unknown = known.size > 0 ? (query.types ?? []).filter((t) => !known.has(t)) : [];
      if (unknown.length > 0) {
        throw new InputError(`Invalid search query: unknown types ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
      }
      return new Response(JSON.stringify(await options.query(query, principal)), {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
    })
    .all('/query', methodNotAllowed).handler;
}

function methodNotAllowed(request: Request): Response {
  const body = toErrorResponseBody(new InputError(`Method ${request.method} not allowed; use GET`), request);
  body.error.name = 'MethodNotAllowedError';
  body.response.statusCode = 405;
  return new Response(JSON.stringify(body), {
    status: 405,
    headers: { 'content-type': 'application/json; charset=utf-8', allow: 'GET, HEAD' },
  });
}
