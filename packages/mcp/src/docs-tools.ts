import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { SearchReader } from '@portalkit/search';
import { z } from 'zod';
import { jsonResult, toolCall } from './tool-result.js';

/**
 * `docs_search`: the portal's search (TechDocs pages by default, any collated type on request)
 * as the caller may see it (`forPrincipal`: denied types are left out, conditional ones
 * filtered in the engine).
 */
export function registerDocsTools(server: McpServer, reader: () => SearchReader): void {
  server.registerTool(
    'docs_search',
    {
      title: 'Search the documentation',
      description: 'Search TechDocs pages (or other indexed types, e.g. software-catalog) by words and "quoted phrases". Returns titles, locations and text excerpts.',
      inputSchema: {
        term: z.string().max(500),
        types: z.array(z.string().min(1).max(100)).max(10).optional(),
        limit: z.number().int().min(1).max(50).optional(),
        cursor: z.string().max(10_000).optional(),
      },
    },
    ({ term, types, limit, cursor }) =>
      toolCall(async () => {
        const page = await reader().query({
          term,
          types: types ?? ['techdocs'],
          pageLimit: limit ?? 10,
          ...(cursor ? { pageCursor: cursor } : {}),
        });
        return jsonResult({
          results: page.results.map((r) => ({
            type: r.type,
            title: r.document.title,
            location: r.document.location,
            text: r.document.text.length > 500 ? `${r.document.text.slice(0, 500)}…` : r.document.text,
          })),
          numberOfResults: page.numberOfResults,
          nextCursor: page.nextPageCursor ?? null,
        });
      }),
  );
}
