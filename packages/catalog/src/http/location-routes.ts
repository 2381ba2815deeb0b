import { ConflictError, InputError, getQueryArray, serializeError } from '@portalkit/core';
import type { Router } from '@portalkit/core';
import { z } from 'zod';
import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import { queryLocationsRequestSchema } from '../query/locations.js';
import { checkLimit, parseBooleanParam, parseStringParam } from './params.js';
import type { RouteContext } from './route-context.js';

const locationInput = z.object({ type: z.string().min(1), target: z.string().min(1) });
const refreshBody = z.object({ entityRef: z.string().min(1), authorizationToken: z.string().optional() });
const validateBody = z.object({ entity: z.unknown(), location: z.string() });
const analyzeBody = z.object({ location: locationInput, catalogFilename: z.string().optional() });

/** Locations (create with `dryRun`/`onConflict`, list, query, update, by entity, delete), refresh, validate-entity, analyze-location. */
export function addLocationRoutes(router: Router, context: RouteContext): void {
  const { viewFor, allow, body, pathRef, maxLimit, noContent, locationById } = context;
  router
    .post('/locations', async (request, { url }) => {
      const catalog = await viewFor(request);
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
      const catalog = await viewFor(request);
      await allow(request, 'read', { type: 'locations' });
      return Response.json((await catalog.getLocations()).map((data) => ({ data })));
    })
    .post('/locations/by-query', async (request) => {
      const catalog = await viewFor(request);
      await allow(request, 'read', { type: 'locations' });
      const input = await body(request, queryLocationsRequestSchema);
      checkLimit(input.limit, { min: 0, max: maxLimit });
      return Response.json(await catalog.queryLocations(input));
    })
    .put('/locations/:id', async (request, { params }) => {
      const catalog = await viewFor(request);
      const { id } = await locationById(catalog, params.id!, { request, action: 'catalog.location.update' });
      const input = await body(request, locationInput);
      // The hook sees where the location would point, as `create` does for a new one.
      await allow(request, 'update', { type: 'location', location: { id, ...input } });
      return Response.json(await catalog.updateLocation(id, input));
    })
    .get('/locations/by-entity/:kind/:namespace/:name', async (request, { params }) => {
      const catalog = await viewFor(request);
      const entityRef = pathRef(params);
      await allow(request, 'read', { type: 'entity', entityRef });
      return Response.json(await catalog.getLocationByEntity(entityRef));
    })
    .get('/locations/:id', async (request, { params }) => {
      const catalog = await viewFor(request);
      const location = await catalog.getLocation(params.id!);
      await allow(request, 'read', { type: 'location', location });
      return Response.json(location);
    })
    .delete('/locations/:id', async (request, { params }) => {
      const catalog = await viewFor(request);
      const location = await locationById(catalog, params.id!, { request, action: 'catalog.location.delete' });
      await allow(request, 'delete', { type: 'location', location });
      await catalog.removeLocation(location.id);
      return noContent();
    })
    .post('/refresh', async (request) => {
      const catalog = await viewFor(request);
      // The hook sees the ref in its full form (`component:default/a`), whatever the client wrote.
      const entityRef = stringifyEntityRef(parseEntityRef((await body(request, refreshBody)).entityRef));
      await allow(request, 'refresh', { type: 'entity', entityRef });
      await catalog.refresh({ entityRef });
      return new Response(null, { status: 200 });
    })
    .post('/validate-entity', async (request) => {
      const catalog = await viewFor(request);
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
      const catalog = await viewFor(request);
      const { location } = await body(request, analyzeBody);
      await allow(request, 'read', { type: 'location', location });
      return Response.json(await catalog.analyzeLocation(location));
    });
}
