import type { PortalAuth, PortalPlugin } from '@portalkit/core';
import { createMcpHandler } from './http-handler.js';
import type { McpServerOptions } from './types.js';

/**
 * The MCP server as a portal plugin, mounted at `/api/mcp` by default. Callers are identified
 * with `options.auth`, else the portal's auth (from `start`), else the catalog's.
 *
 * @example
 * ```ts
 * const portal = createPortal({ plugins: [catalogPlugin(catalog), mcpPlugin({ catalog, scaffolder, search })] });
 * ```
 */
export function mcpPlugin(options: McpServerOptions): PortalPlugin {
  const basePath = options.basePath ?? '/api/mcp';
  let portalAuth: PortalAuth | undefined;
  return {
    id: 'mcp',
    basePath,
    handler: createMcpHandler({ ...options, basePath, resolveAuth: () => options.auth ?? portalAuth }),
    start(context) {
      portalAuth = context.auth;
    },
  };
}
