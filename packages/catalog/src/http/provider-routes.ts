import type { Router } from '@portalkit/core';
import type { RouteContext } from './route-context.js';

/**
 * `GET /providers`: each entity provider's status, as `{ items: EntityProviderStatus[] }`
 * (`entityProviderStatusSchema` of `@portalkit/catalog-model`). The `authorize` hook is asked
 * `read` on `{ type: 'providers' }`, then the view needs `catalog.location.read`.
 */
export function addProviderRoutes(router: Router, context: RouteContext): void {
  const { viewFor, allow } = context;
  router.get('/providers', async (request) => {
    const catalog = await viewFor(request);
    await allow(request, 'read', { type: 'providers' });
    return Response.json({ items: await catalog.getProviderStatuses() });
  });
}
