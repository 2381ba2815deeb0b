import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { NotFoundError, type Handler, type PortalAuth, readLimitedBody, toHttpResponse } from '@portalkit/core';
import { createMcpServer } from './create-mcp-server.js';
import type { McpServerOptions } from './types.js';

/** Largest JSON-RPC body accepted; tool arguments are small. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The MCP server over Streamable HTTP as a web-standard `(Request) => Promise<Response>`
 * handler, stateless: each request is identified the way the portal's routes identify theirs
 * (`auth.identify(request)`: bad credentials are a 401 before any MCP processing), then served
 * by a fresh server bound to that principal. `auth` is resolved per request, so a plugin can
 * hand over the portal's at start.
 *
 * @example
 * ```ts
 * const handler = createMcpHandler({ catalog, scaffolder, search, basePath: '/api/mcp' });
 * createServer(toNodeHandler(handler)).listen(7007);
 * ```
 */
export function createMcpHandler(options: McpServerOptions & { resolveAuth?: () => PortalAuth | undefined }): Handler {
  const basePath = (options.basePath ?? '/api/mcp').replace(/\/+$/, '');
  const authOf = () => options.resolveAuth?.() ?? options.auth ?? options.catalog.auth;
  return async (request) => {
    try {
      const path = new URL(request.url).pathname.replace(/\/+$/, '');
      if (path !== basePath) throw new NotFoundError(`No MCP endpoint at ${path}`);
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > MAX_BODY_BYTES) return Response.json({ error: { name: 'PayloadTooLargeError', message: 'request body too large' } }, { status: 413 });
      const principal = await authOf().identify(request);
      const server = createMcpServer(options, { principal, request }, { ...(options.name ? { name: options.name } : {}), ...(options.version ? { version: options.version } : {}) });
      // Stateless: no session ids; JSON answers instead of an SSE stream for plain calls.
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      await server.connect(transport);
      // The bound holds for a streamed body too (no Content-Length): the transport would read it whole.
      const bounded = request.body
        ? new Request(request, { body: new Uint8Array(await readLimitedBody(request, { maxBytes: MAX_BODY_BYTES, what: 'MCP request body' })) })
        : request;
      const response = await transport.handleRequest(bounded);
      // A JSON answer is complete: the per-request server can go.
      if (!response.headers.get('content-type')?.includes('text/event-stream')) await server.close();
      return response;
    } catch (error) {
      return toHttpResponse(error, request);
    }
  };
}
