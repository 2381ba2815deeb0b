import type { CatalogAuthorize } from './authorize.js';

/**
 * Options of {@link createCatalogHandler} and `catalog.handler()`.
 *
 * @example
 * ```ts
 * const options: CatalogHandlerOptions = { basePath: '/api/catalog', authorize: (req, action) => action === 'read' };
 * ```
 */
export interface CatalogHandlerOptions {
  /** Where the routes live, e.g. `/api/catalog` (the request URL keeps its full path). Default `/api/catalog`. */
  basePath?: string;
  /** Asked before every route touches the catalog; `false` or a thrown error denies. Default: allow all. */
  authorize?: CatalogAuthorize;
  /** Largest accepted `limit`; larger values are a 400 (see `parseLimitParam`). Default 10 000. */
  maxLimit?: number;
  /** Largest accepted JSON request body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Told about every error a route throws (e.g. to log 5xx) before the error response is sent. */
  onError?: (error: unknown, request: Request) => void;
}
