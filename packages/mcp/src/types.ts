import type { PortalAuth, Principal } from '@portalkit/core';
import type { CatalogLibrary } from '@portalkit/catalog';
import type { ScaffolderLibrary } from '@portalkit/scaffolder';
import type { SearchLibrary } from '@portalkit/search';

/**
 * What the MCP server offers tools over: the portal's services, each used through its
 * `forPrincipal` view so the caller's permissions and audit apply. The catalog is required;
 * without `scaffolder` the template tools are not offered, without `search` the docs tool is not.
 *
 * @example
 * ```ts
 * const services: McpServices = { catalog, scaffolder, search };
 * ```
 */
export interface McpServices {
  catalog: Pick<CatalogLibrary, 'forPrincipal' | 'auth'>;
  scaffolder?: Pick<ScaffolderLibrary, 'forPrincipal'>;
  search?: Pick<SearchLibrary, 'forPrincipal'>;
}

/**
 * Options of `createMcpHandler` and `mcpPlugin`.
 *
 * @example
 * ```ts
 * const options: McpServerOptions = { catalog, scaffolder, search, basePath: '/api/mcp' };
 * ```
 */
export interface McpServerOptions extends McpServices {
  /** Where the handler answers; default `/api/mcp`. */
  basePath?: string;
  /**
   * Identifies callers (`identify(request)`) and decides their permissions; default the
   * portal's (`mcpPlugin` takes it from `start`), else the catalog's `auth`.
   */
  auth?: PortalAuth;
  /** Name and version the server reports to clients; default `portalkit` and the package version. */
  name?: string;
  version?: string;
}

/**
 * Who a tool call acts for, and the request it came in (its id goes into audit events).
 *
 * @example
 * ```ts
 * const caller: McpCaller = { principal, request };
 * ```
 */
export interface McpCaller {
  principal: Principal;
  request?: Request;
}
