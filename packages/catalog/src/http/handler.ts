import { ConflictError, InputError, NotFoundError, createRouter, getQueryArray, readJsonBody, serializeError } from '@portalkit/core';
import type { Handler } from '@portalkit/core';
import { z } from 'zod';
import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import type { FilterPredicate } from '../query/filter.js';
import { queryLocationsRequestSchema } from '../query/locations.js';
import type { CatalogLibrary, QueryEntitiesRequest } from '../types.js';
import { analyzeLocation } from './analyze-location.js';
import { assertAuthorized } from './authorize.js';
import type { CatalogAction, CatalogResource } from './authorize.js';
import type { CatalogHandlerOptions } from './options.js';
import { parseFilterParams } from './filters.js';
import {
  checkLimit,
  parseBooleanParam,
  parseCommaListParam,
  parseLimitParam,
  parseOffsetParam,
  parseOrderFieldParams,
  parseOrderParams,
  parseStringParam,
} from './params.js';

const locationInput = z.object({ type: z.string().min(1), target: z.string().min(1) });
const predicate = z.record(z.string(), z.unknown()).transform((q) => q as FilterPredicate);
const order = z.object({ field: z.string().min(1), order: z.enum(['asc', 'desc']) });
const byRefsBody = z.object({
  entityRefs: z.array(z.string()),
  fields: z.array(z.string()).optional(),
  query: predicate.optional(),
});
const queryByPredicateBody = z.object({
  cursor: z.string().min(1).optional(),
  query: predicate.optional(),
  limit: z.number().int().nonnegative().optional(),
  offset: z.number().int().nonnegative().optional(),
  orderBy: z.array(order).optional(),
  fullTextFilter: z.object({ term: z.string(), fields: z.array(z.string()).optional() }).optional(),
  fields: z.array(z.string()).optional(),
  totalItems: z.enum(['include', 'exclude']).optional(),
});
const facetsByPredicateBody = z.object({ facets: z.array(z.string()).min(1), query: predicate.optional() });
const refreshBody = z.object({ entityRef: z.string().min(1), authorizationToken: z.string().optional() });
const validateBody = z.object({ entity: z.unknown(), location: z.string() });
const analyzeBody = z.object({ location: locationInput, catalogFilename: z.string().optional() });

/**
 * Backstage's catalog REST API over a {@link Catalog}, as a web-standard handler: the same paths,
 * query syntax, bodies and status codes as `@backstage/plugin-catalog-backend`, so the
 * unmodified `@backstage/catalog-client` works against it. Each route parses the request, asks
 * `authorize`, and calls one catalog method; errors use Backstage's JSON error body.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { toNodeHandler } from '@portalkit/core';
 * const handler = createCatalogHandler(catalog, { basePath: '/api/catalog' });
 * createServer(toNodeHandler(handler)).listen(7007);
 * // new CatalogClient({ discoveryApi: { getBaseUrl: async () => 'http://localhost:7007/api/catalog' } })
 * ```
 */
export function createCatalogHandler(catalog: CatalogLibrary, options: CatalogHandlerOptions = {}): Handler {
  if (!catalog || typeof catalog.query !== 'function') throw new InputError('createCatalogHandler: a catalog is required');
  const { authorize, maxLimit = 10_000, maxBodyBytes = 1024 * 1024 } = options;
  if (authorize !== undefined && typeof authorize !== 'function') {
    throw new InputError('createCatalogHandler: authorize must be a function');
  }
  if (!Number.isSafeInteger(maxLimit) || maxLimit < 1) throw new InputError('createCatalogHandler: maxLimit must be a positive integer');
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new InputError('createCatalogHandler: maxBodyBytes must be a positive integer');
  }

  const body = <T>(request: Request, schema: z.ZodType<T>) => readJsonBody(request, { schema, maxBytes: maxBodyBytes });
  const allow = (request: Request, action: CatalogAction, resource: CatalogResource) =>
    assertAuthorized(authorize, request, action, resource);
  const pathRef = (params: Record<string, string>) =>
    stringifyEntityRef({ kind: params.kind!, namespace: params.namespace!, name: params.name! });
  const filterOf = (url: URL) => parseFilterParams(getQueryArray(url, 'filter'));
  const fieldsOf = (url: URL) => getQueryArray(url, 'fields');
  const limit = (url: URL, min: number) => parseLimitParam(getQueryArray(url, 'limit'), { min, max: maxLimit });
  const entityByUid = async (uid: string) => {
    const entity = await catalog.getEntityByUid(uid);
    if (!entity) throw new NotFoundError(`No entity with uid ${uid}`);
    return entity;
  };
  const noContent = () => new Response(null, { status: 204 });

  const router = createRouter({ basePath: options.basePath ?? '/api/catalog', ...(options.onError ? { onError: options.onError } : {}) });

  router
    .get('/entities', async (request, { url }) => {
      await allow(request, 'read', { type: 'entities' });
      const offset = parseOffsetParam(getQueryArray(url, 'offset'));
      const after = parseStringParam(getQueryArray(url, 'after'), 'after');
      if (after === '') throw new InputError('Invalid after, must not be empty');
      const orderDirectives = parseOrderParams(getQueryArray(url, 'order'));
      const filter = filterOf(url);
      const pageLimit = limit(url, 1);
      const { items, pageInfo } = await catalog.getEntities({
        fields: fieldsOf(url),
        ...(filter ? { filter } : {}),
        ...(orderDirectives ? { order: orderDirectives } : {}),
        ...(offset !== undefined ? { offset } : {}),
        ...(pageLimit !== undefined ? { limit: pageLimit } : {}),
        ...(after ? { after } : {}),
      });
      const headers = new Headers();
      if (pageInfo?.endCursor) {
        // Backstage answers a bare array; the next page is announced in a Link header.
        const next = new URL(url);
        next.searchParams.delete('offset');
        next.searchParams.set('after', pageInfo.endCursor);
        headers.set('link', `<${next.pathname}${next.search}>; rel="next"`);
      }
      return Response.json(items, { headers });
    })
    .get('/entities/by-query', async (request, { url }) => {
      await allow(request, 'read', { type: 'entities' });
      const pageLimit = limit(url, 0);
      const cursor = parseStringParam(getQueryArray(url, 'cursor'), 'cursor');
      const fields = fieldsOf(url);
      let query: QueryEntitiesRequest;
      if (cursor) {
        // As in Backstage, a cursor carries the whole query: filter and order parameters are ignored.
        query = { cursor, fields, ...(pageLimit !== undefined ? { limit: pageLimit } : {}) };
      } else {
        const filter = filterOf(url);
        const orderFields = parseOrderFieldParams(getQueryArray(url, 'orderField'));
        const offset = parseOffsetParam(getQueryArray(url, 'offset'));
        const term = parseStringParam(getQueryArray(url, 'fullTextFilterTerm'), 'fullTextFilterTerm')?.trim();
        const textFields = parseCommaListParam(getQueryArray(url, 'fullTextFilterFields'));
        const totalItems = parseStringParam(getQueryArray(url, 'totalItems'), 'totalItems');
        if (totalItems !== undefined && totalItems !== 'include' && totalItems !== 'exclude') {
          throw new InputError('Invalid totalItems, must be include or exclude');
        }
        query = {
          fields,
          ...(filter ? { filter } : {}),
          ...(orderFields ? { orderFields } : {}),
          ...(term ? { fullTextFilter: { term, ...(textFields ? { fields: textFields } : {}) } } : {}),
          ...(offset !== undefined ? { offset } : {}),
          ...(pageLimit !== undefined ? { limit: pageLimit } : {}),
          ...(totalItems ? { totalItems } : {}),
        };
      }
      return Response.json(await catalog.query(query));
    })
    .post('/entities/by-query', async (request) => {
      await allow(request, 'read', { type: 'entities' });
      const b = await body(request, queryByPredicateBody);
      checkLimit(b.limit, { min: 0, max: maxLimit });
      const query: QueryEntitiesRequest = b.cursor
        ? { cursor: b.cursor, ...(b.fields ? { fields: b.fields } : {}), ...(b.limit !== undefined ? { limit: b.limit } : {}) }
        : {
            ...(b.query ? { query: b.query } : {}),
            ...(b.fields ? { fields: b.fields } : {}),
            ...(b.orderBy ? { orderFields: b.orderBy } : {}),
            ...(b.fullTextFilter ? { fullTextFilter: b.fullTextFilter } : {}),
            ...(b.offset !== undefined ? { offset: b.offset } : {}),
            ...(b.limit !== undefined ? { limit: b.limit } : {}),
            ...(b.totalItems ? { totalItems: b.totalItems } : {}),
          };
      return Response.json(await catalog.query(query));
    })
    .post('/entities/by-refs', async (request, { url }) => {
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
      const entity = await entityByUid(params.uid!);
      await allow(request, 'read', { type: 'entity', entityRef: stringifyEntityRef(entity) });
      return Response.json(entity);
    })
    .delete('/entities/by-uid/:uid', async (request, { params }) => {
      const entity = await entityByUid(params.uid!);
      await allow(request, 'delete', { type: 'entity', entityRef: stringifyEntityRef(entity) });
      await catalog.removeEntityByUid(params.uid!);
      return noContent();
    })
    .get('/entities/by-name/:kind/:namespace/:name', async (request, { params }) => {
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
    .get('/entities/by-name/:kind/:namespace/:name/ancestry', async (request, { params }) => {
      const entityRef = pathRef(params);
      await allow(request, 'read', { type: 'entity', entityRef });
      return Response.json(await catalog.getEntityAncestors(entityRef));
    })
    .get('/entity-facets', async (request, { url }) => {
      await allow(request, 'read', { type: 'entities' });
      const facets = getQueryArray(url, 'facet');
      if (!facets.length) throw new InputError('Missing facet parameter');
      const filter = filterOf(url);
      return Response.json(await catalog.getEntityFacets({ facets, ...(filter ? { filter } : {}) }));
    })
    .post('/entity-facets', async (request) => {
      await allow(request, 'read', { type: 'entities' });
      const b = await body(request, facetsByPredicateBody);
      return Response.json(await catalog.getEntityFacets({ facets: b.facets, ...(b.query ? { query: b.query } : {}) }));
    })
    .post('/locations', async (request, { url }) => {
      const dryRun = parseBooleanParam(getQueryArray(url, 'dryRun'), 'dryRun');
      const onConflict = parseStringParam(getQueryArray(url, 'onConflict'), 'onConflict') ?? 'reject';
      if (onConflict !== 'reject' && onConflict !== 'refresh') throw new InputError('Invalid onConflict, must be reject or refresh');
      const location = await body(request, locationInput);
      await allow(request, 'create', { type: 'location', location });
      try {
        return Response.json(await catalog.addLocation(location, { dryRun }), { status: 201 });
      } catch (error) {
        if (!(error instanceof ConflictError) || onConflict !== 'refresh') throw error;
      }
      // `onConflict=refresh`: re-read the registered location instead of failing. The dry run
      // names it (with the library's normalization of the target) and lists what it now holds.
      const existing = await catalog.addLocation(location, { dryRun: true });
      await catalog.refresh({ entityRef: existing.location.entityRef });
      return Response.json({ location: existing.location, entities: existing.entities }, { status: 201 });
    })
    .get('/locations', async (request) => {
      await allow(request, 'read', { type: 'locations' });
      return Response.json((await catalog.getLocations()).map((data) => ({ data })));
    })
    .post('/locations/by-query', async (request) => {
      await allow(request, 'read', { type: 'locations' });
      const input = await body(request, queryLocationsRequestSchema);
      checkLimit(input.limit, { min: 0, max: maxLimit });
      return Response.json(await catalog.queryLocations(input));
    })
    .put('/locations/:id', async (request, { params }) => {
      const { id } = await catalog.getLocation(params.id!);
      const input = await body(request, locationInput);
      // The hook sees where the location would point, as `create` does for a new one.
      await allow(request, 'update', { type: 'location', location: { id, ...input } });
      return Response.json(await catalog.updateLocation(id, input));
    })
    .get('/locations/by-entity/:kind/:namespace/:name', async (request, { params }) => {
      const entityRef = pathRef(params);
      await allow(request, 'read', { type: 'entity', entityRef });
      return Response.json(await catalog.getLocationByEntity(entityRef));
    })
    .get('/locations/:id', async (request, { params }) => {
      const location = await catalog.getLocation(params.id!);
      await allow(request, 'read', { type: 'location', location });
      return Response.json(location);
    })
    .delete('/locations/:id', async (request, { params }) => {
      const location = await catalog.getLocation(params.id!);
      await allow(request, 'delete', { type: 'location', location });
      await catalog.removeLocation(location.id);
      return noContent();
    })
    .post('/refresh', async (request) => {
      // The hook sees the ref in its full form (`component:default/a`), whatever the client wrote.
      const entityRef = stringifyEntityRef(parseEntityRef((await body(request, refreshBody)).entityRef));
      await allow(request, 'refresh', { type: 'entity', entityRef });
      await catalog.refresh({ entityRef });
      return new Response(null, { status: 200 });
    })
    .post('/validate-entity', async (request) => {
      await allow(request, 'read', { type: 'entities' });
      // Backstage answers every invalid input here, malformed bodies included, with 400 `{ errors }`.
      let input: z.infer<typeof validateBody>;
      try {
        input = await body(request, validateBody);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return Response.json({ errors: [serializeError(error)] }, { status: 400 });
      }
      const result = await catalog.validateEntity(input.entity, input.location);
      if (result.valid) return new Response(null, { status: 200 });
      return Response.json({ errors: result.errors }, { status: 400 });
    })
    .post('/analyze-location', async (request) => {
      const { location } = await body(request, analyzeBody);
      await allow(request, 'read', { type: 'location', location });
      return Response.json(await analyzeLocation(catalog, location));
    });

  return router.handler;
}
