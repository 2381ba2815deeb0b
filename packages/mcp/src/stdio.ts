import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Readable, Writable } from 'node:stream';
import { createMcpServer } from './create-mcp-server.js';
import type { McpCaller, McpServices } from './types.js';

/**
 * Serve the MCP tools over stdio (the `portalkit mcp` command): one server for the process,
 * acting for `caller.principal` (the CLI's operator: by default the host, which may do
 * everything; give a user's principal to act as them). Resolves once connected; `close()` ends it.
 *
 * @example
 * ```ts
 * const { close } = await serveMcpStdio({ catalog }, { principal: hostPrincipal() });
 * ```
 */
export async function serveMcpStdio(
  services: McpServices,
  caller: McpCaller,
  streams: { stdin?: Readable; stdout?: Writable } = {},
): Promise<{ close(): Promise<void> }> {
  const server = createMcpServer(services, caller);
  const transport = new StdioServerTransport(streams.stdin, streams.stdout);
  await server.connect(transport);
  return { close: () => server.close() };
}
