import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InputError } from '@portalkit/core';
import { registerCatalogTools } from './catalog-tools.js';
import { registerDocsTools } from './docs-tools.js';
import { registerTemplateTools } from './template-tools.js';
import type { McpCaller, McpServices } from './types.js';

/** The version clients see when the host gives none. */
export const MCP_SERVER_VERSION = '0.1.0';

/**
 * An MCP server whose tools act for one caller: every tool reads and writes through the
 * services' `forPrincipal(caller.principal)` views, so the caller's permissions and audit apply
 * as on the portal's HTTP routes. The HTTP handler makes one per request (stateless Streamable
 * HTTP); stdio makes one per process.
 *
 * @example
 * ```ts
 * const server = createMcpServer({ catalog, scaffolder, search }, { principal });
 * await server.connect(new StdioServerTransport());
 * ```
 */
export function createMcpServer(services: McpServices, caller: McpCaller, info: { name?: string; version?: string } = {}): McpServer {
  if (!services?.catalog || typeof services.catalog.forPrincipal !== 'function') {
    throw new InputError('createMcpServer: a catalog (createCatalog of @portalkit/catalog) is required');
  }
  if (!caller?.principal || typeof caller.principal.type !== 'string') throw new InputError('createMcpServer: a caller principal is required');
  const { principal, request } = caller;
  const server = new McpServer({ name: info.name ?? 'portalkit', version: info.version ?? MCP_SERVER_VERSION });
  // Views are made on first use: a tools/list never asks the policy anything.
  let catalogView: ReturnType<McpServices['catalog']['forPrincipal']> | undefined;
  const catalog = () => (catalogView ??= services.catalog.forPrincipal(principal, request ? { request } : {}));
  registerCatalogTools(server, catalog);
  const { scaffolder, search } = services;
  if (scaffolder) {
    let view: ReturnType<typeof scaffolder.forPrincipal> | undefined;
    registerTemplateTools(server, { catalog, scaffolder: () => (view ??= scaffolder.forPrincipal(principal, request ? { request } : {})), principal });
  }
  if (search) {
    let reader: ReturnType<typeof search.forPrincipal> | undefined;
    registerDocsTools(server, () => (reader ??= search.forPrincipal(principal)));
  }
  return server;
}
