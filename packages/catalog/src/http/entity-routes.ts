import { InputError, NotFoundError, getQueryArray } from '@portalkit/core';
import type { Router } from '@portalkit/core';
import { z } from 'zod';
import { entityUpdateSchema, stringifyEntityRef } from '@portalkit/catalog-model';
import { predicate, type RouteContext } from './route-context.js';

const byRefsBody = z.object({
  entityRefs: z.array(z.string()),
  fields: z.array(z.string()).optional(),
  query: predicate.optional(),
});
const facetsByPredicateBody = z.object({ facets: z.array(z.string()).min(1), query: predicate.optional() });

/** Entities by refs, uid and name, ancestry, facets, and write-back. */
export function addEntityRoutes(router: Router, context: RouteContext): void {
  const { viewFor, allow, body, pathRef, filterOf, fieldsOf, entityByUid, noContent } = context;
  router
    .post('/entities/by-refs', async (request, { url }) => {
      const catalog = await viewFor(request);
      await allow(request, 'read', { type: 'entities' });
      const filter = filterOf(url);
      const b = await body(request, byRefsBody);
      const fields = [...fieldsOf(url), ...(b.fields ?? [])];
      const { items } = await catalog.getEntitiesByRefs(b.entityRefs, {
        fields,
        ...(filter ? { filter } : {}),
        ...(b.query ? { query: b.query } : {}),
      });
      // Missing entities are `null` in the JSON array, as Backstage sends them.
      return Response.json({ items: items.map((item) => item ?? null) });
    })
    .get('/entities/by-uid/:uid', async (request, { params }) => {
      const entity = await entityByUid(await viewFor(request), params.uid!);
      await allow(request, 'read', { type: 'entity', entityRef: stringifyEntityRef(entity) });
      return Response.json(entity);
    })
    .delete('/entities/by-uid/:uid', async (request, { params }) => {
      const catalog = await viewFor(request);
      const entity = await entityByUid(catalog, params.uid!, { request, action: 'catalog.entity.delete' });
      await allow(request, 'delete', { type: 'entity', entityRef: stringifyEntityRef(entity) });
      await catalog.removeEntityByUid(params.uid!);
      return noContent();
    })
    .get('/entities/by-name/:kind/:namespace/:name', async (request, { params }) => {
      const catalog = await viewFor(request);
      const entityRef = pathRef(params);
      await allow(request, 'read', { type: 'entity', entityRef });
      const entity = await catalog.getEntityByRef(entityRef);
      if (!entity) {
        throw new NotFoundError(
          `No entity named '${params.name}' found, with kind '${params.kind}' in namespace '${params.namespace}'`,
        );
      }
      return Response.json(entity);
    })
    // Write-back (docs/write-back.md): a JSON body { patch, title?, description? }; 202 with how it went.
    .patch('/entities/by-name/:kind/:namespace/:name', async (request, { params }) => {
      const catalog = await viewFor(request);
      const entityRef = pathRef(params);
      await allow(request, 'update', { type: 'entity', entityRef });
      const update = await body(request, entityUpdateSchema);
      return Response.json(await catalog.updateEntity(entityRef, update), { status: 202 });
    })
    .get('/entities/by-name/:kind/:namespace/:name/ancestry', async (request, { params }) => {
      const catalog = await viewFor(request);
      const entityRef = pathRef(params);
      await allow(request, 'read', { type: 'entity', entityRef });
      return Response.json(await catalog.getEntityAncestors(entityRef));
    })
    .get('/entity-facets', async (request, { url }) => {
      const catalog = await viewFor(request);
      await allow(request, 'read', { type: 'entities' });
      const facets = getQueryArray(url, 'facet');
      if (!facets.length) throw new InputError('Missing facet parameter');
      const filter = filterOf(url);
      return Response.json(await catalog.getEntityFacets({ facets, ...(filter ? { filter } : {}) }));
    })
    .post('/entity-facets', async (request) => {
      const catalog = await viewFor(request);
      await allow(request, 'read', { type: 'entities' });
      const b = await body(request, facetsByPredicateBody);
      return Response.json(await catalog.getEntityFacets({ facets: b.facets, ...(b.query ? { query: b.query } : {}) }));
    });
}
