import type { Router } from '@portalkit/core';
import { type EntityGraphRequest, entityGraphRequestSchema } from '../graph/entity-graph.js';
import type { RouteContext } from './route-context.js';

/**
 * `POST /entities/graph`: a relation-graph query (body: `entityGraphRequestSchema`), answered
 * with `EntityGraphResult` as the caller's view of the catalog sees it.
 */
export function addGraphRoutes(router: Router, context: RouteContext): void {
  const { viewFor, allow, body } = context;
  router.post('/entities/graph', async (request) => {
    const catalog = await viewFor(request);
    await allow(request, 'read', { type: 'entities' });
    const query = await body(request, entityGraphRequestSchema);
    // The predicate `query` is checked by the catalog, as on POST /entities/by-query.
    return Response.json(await catalog.queryGraph(query as EntityGraphRequest));
  });
}
