import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { NotFoundError } from '@portalkit/core';
import { GRAPH_LIMITS, type CatalogView } from '@portalkit/catalog';
import { z } from 'zod';
import { jsonResult, toolCall } from './tool-result.js';

const filterSet = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const SUMMARY_FIELDS = ['kind', 'metadata.namespace', 'metadata.name', 'metadata.title', 'metadata.description', 'spec.type', 'spec.owner', 'spec.lifecycle'];

/**
 * The catalog tools: `catalog_search` (filters and text), `catalog_get_entity` (an entity with
 * its related entities summarised) and `catalog_graph` (the relation-graph query). Each reads
 * through `view`, the caller's `forPrincipal` view.
 */
export function registerCatalogTools(server: McpServer, view: () => CatalogView): void {
  server.registerTool(
    'catalog_search',
    {
      title: 'Search the software catalog',
      description:
        'Find catalog entities (components, APIs, systems, groups, users, templates...). `filter` uses the catalog filter syntax: ' +
        '{ "kind": "component", "spec.type": "service" } (an array means OR); `text` matches names and titles. Returns summaries; use catalog_get_entity for one entity.',
      inputSchema: {
        filter: z.union([filterSet, z.array(filterSet).max(20)]).optional(),
        text: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(100).optional(),
        cursor: z.string().max(10_000).optional(),
      },
    },
    ({ filter, text, limit, cursor }) =>
      toolCall(async () => {
        const page = cursor
          ? await view().query({ cursor, limit: limit ?? 20, fields: SUMMARY_FIELDS })
          : await view().query({
              ...(filter ? { filter } : {}),
              ...(text ? { fullTextFilter: { term: text, fields: ['metadata.name', 'metadata.title'] } } : {}),
              orderFields: { field: 'metadata.name', order: 'asc' },
              fields: SUMMARY_FIELDS,
              limit: limit ?? 20,
            });
        return jsonResult({ items: page.items, totalItems: page.totalItems, nextCursor: page.pageInfo.nextCursor ?? null });
      }),
  );

  server.registerTool(
    'catalog_get_entity',
    {
      title: 'Get a catalog entity with its relations',
      description: 'The entity with this ref (kind:namespace/name, e.g. component:default/payments), and a summary of each entity its relations name.',
      inputSchema: { entityRef: z.string().min(1).max(400) },
    },
    ({ entityRef }) =>
      toolCall(async () => {
        const catalog = view();
        const entity = await catalog.getEntityByRef(entityRef);
        if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
        const targets = (entity.relations ?? []).map((r) => r.targetRef);
        const { items } = await catalog.getEntitiesByRefs(targets, { fields: SUMMARY_FIELDS });
        const relations = (entity.relations ?? []).map((r, i) => ({ type: r.type, targetRef: r.targetRef, target: items[i] ?? null }));
        return jsonResult({ entity, relations });
      }),
  );

  server.registerTool(
    'catalog_graph',
    {
      title: 'Walk the catalog relation graph',
      description:
        `From root entity refs, follow relation types (ownedBy, ownerOf, dependsOn, dependencyOf, hasPart, partOf, providesApi, consumesApi, ...; default all well-known) ` +
        `in a direction up to maxDepth (at most ${GRAPH_LIMITS.maxDepth}) levels, reaching only entities matching filter. Returns nodes (ref, depth) and edges; truncated means maxNodes cut whole levels off.`,
      inputSchema: {
        rootEntityRefs: z.array(z.string().min(1).max(400)).min(1).max(100),
        relations: z.array(z.string().min(1).max(63)).min(1).max(GRAPH_LIMITS.maxRelationTypes).optional(),
        direction: z.enum(['outgoing', 'incoming', 'both']).optional(),
        maxDepth: z.number().int().min(0).max(GRAPH_LIMITS.maxDepth).optional(),
        filter: z.union([filterSet, z.array(filterSet).max(20)]).optional(),
        maxNodes: z.number().int().min(1).max(1000).optional(),
        cursor: z.string().max(20_000).optional(),
      },
    },
    (args) =>
      toolCall(async () => {
        const { cursor, ...request } = args;
        const page = await view().queryGraph(
          cursor ? { cursor, limit: 200, fields: SUMMARY_FIELDS } : { ...request, limit: 200, fields: SUMMARY_FIELDS },
        );
        return jsonResult({
          nodes: page.nodes.map((n) => ({ entityRef: n.entityRef, depth: n.depth, title: n.entity.metadata.title ?? null, type: n.entity.spec?.type ?? null })),
          edges: page.edges,
          totalNodes: page.totalNodes,
          truncated: page.truncated,
          nextCursor: page.pageInfo.nextCursor ?? null,
        });
      }),
  );
}
