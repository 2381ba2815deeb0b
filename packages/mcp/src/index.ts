/**
 * `@portalkit/mcp`: a Model Context Protocol server over a portal, for AI agents — catalog
 * search, entities with their relations, the relation graph, templates (list, dry run, confirmed
 * run) and docs search — over Streamable HTTP (`createMcpHandler`, `mcpPlugin`) or stdio
 * (`serveMcpStdio`, the `portalkit mcp` command). See docs/mcp.md.
 *
 * @packageDocumentation
 */
export { createMcpServer, MCP_SERVER_VERSION } from './create-mcp-server.js';
export { createMcpHandler } from './http-handler.js';
export { mcpPlugin } from './plugin.js';
export { serveMcpStdio } from './stdio.js';
export type { McpCaller, McpServerOptions, McpServices } from './types.js';
