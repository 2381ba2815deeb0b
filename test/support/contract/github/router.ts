import type { IncomingHttpHeaders } from 'node:http';
import type { ContractInstallation } from './json.js';

/** Who a request is from, after the server checked its credentials. */
export type Principal =
  | { kind: 'token'; token: string; login: string }
  | { kind: 'installation'; token: string; installation: ContractInstallation }
  | { kind: 'app'; appId: number };

/** Which listener a route is on: the API (validated against GitHub's description), the web origin, or the archive origin. */
export type RouteOrigin = 'api' | 'web' | 'codeload';

/** A request as a route handler sees it. */
export interface ContractRequest {
  origin: RouteOrigin;
  method: string;
  /** The route's pattern (for API routes: the OpenAPI path template). */
  template: string;
  /** Path below the origin (below `/api/v3` for the API), still URL-encoded. */
  path: string;
  /** Decoded path parameters. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, if the request had one. */
  body: unknown;
  rawBody: Buffer;
  principal: Principal | undefined;
}

/**
 * What a handler answers. `json` is validated against GitHub's description (API routes);
 * `body` is sent as is (raw file contents, archives).
 */
export interface ContractResponse {
  status: number;
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export type ContractHandler = (request: ContractRequest) => ContractResponse | Promise<ContractResponse>;

/** Runs before the route's handler (after authentication); answering short-circuits it. */
export type ContractMiddleware = (request: ContractRequest) => ContractResponse | undefined | Promise<ContractResponse | undefined>;

/** Thrown by handlers for an error answer in GitHub's Basic Error shape. */
export class ContractHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

// Parameters GitHub lets span slashes when they end the path (file paths, refs, branch names).
const GREEDY = new Set(['path', 'ref', 'branch', 'archive_path']);

interface Route {
  origin: RouteOrigin;
  method: string;
  template: string;
  segments: string[];
  greedy: boolean;
  handler: ContractHandler;
  order: number;
}

/** Routes by origin, method and path template; later registrations override earlier ones. */
export function createRouter() {
  const routes: Route[] = [];
  let order = 0;
  return {
    /** Add a route; returns a function removing it (the route it overrode answers again). */
    add(origin: RouteOrigin, method: string, template: string, handler: ContractHandler): () => void {
      const segments = template.split('/').slice(1);
      const last = segments.at(-1) ?? '';
      const greedy = /^\{.+\}$/.test(last) && GREEDY.has(last.slice(1, -1));
      const route = { origin, method: method.toUpperCase(), template, segments, greedy, handler, order: order++ };
      routes.push(route);
      return () => {
        const index = routes.indexOf(route);
        if (index >= 0) routes.splice(index, 1);
      };
    },
    match(origin: RouteOrigin, method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
      const parts = path.split('/').slice(1);
      const candidates = routes
        .filter((r) => r.origin === origin && r.method === method.toUpperCase())
        .sort((a, b) => Number(a.greedy) - Number(b.greedy) || b.order - a.order);
      for (const route of candidates) {
        const params = matchSegments(route, parts);
        if (params) return { route, params };
      }
      return undefined;
    },
  };
}

function matchSegments(route: Route, parts: string[]): Record<string, string> | undefined {
  const { segments, greedy } = route;
  if (greedy ? parts.length < segments.length : parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const isLast = i === segments.length - 1;
    const part = greedy && isLast ? parts.slice(i).join('/') : parts[i]!;
    if (/^\{.+\}$/.test(segment)) {
      if (part === '') return undefined;
      try {
        params[segment.slice(1, -1)] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    } else if (segment !== part) return undefined;
  }
  return params;
}
