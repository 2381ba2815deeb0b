import { InputError, NotAllowedError, NotFoundError, createRouter, getQueryArray, readJsonBody } from '@portalkit/core';
import type { Handler } from '@portalkit/core';
import { z } from 'zod';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import type { CatalogLibrary, CatalogView } from '../types.js';
import { assertAuthorized, auditHookDenial } from './authorize.js';
import type { CatalogAction, CatalogResource } from './authorize.js';
import type { CatalogHandlerOptions } from './options.js';
import { parseFilterParams } from './filters.js';
import { addEntityQueryRoutes } from './entity-query-routes.js';
import { addGraphRoutes } from './graph-routes.js';
import { addEntityRoutes } from './entity-routes.js';
import { addLocationRoutes } from './location-routes.js';
import { addProviderRoutes } from './provider-routes.js';
import type { AuditMiss, RouteContext } from './route-context.js';
import { parseLimitParam } from './params.js';

/**
 * Backstage's catalog REST API over a {@link Catalog}, as a web-standard handler: the same paths,
 * query syntax, bodies and status codes as `@backstage/plugin-catalog-backend`, so the
 * unmodified `@backstage/catalog-client` works against it. Each route identifies the caller
 * (`catalog.auth.identify`; bad credentials are a 401), parses the request, asks `authorize`, and
 * calls one method of `catalog.forPrincipal(principal, { request })`, so the portal's policy
 * filters every read and checks every mutation; errors use Backstage's JSON error body.
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
  if (!catalog || typeof catalog.query !== 'function' || typeof catalog.forPrincipal !== 'function') {
    throw new InputError('createCatalogHandler: a catalog is required');
  }
  const { authorize, maxLimit = 10_000, maxBodyBytes = 1024 * 1024 } = options;
  if (authorize !== undefined && typeof authorize !== 'function') {
    throw new InputError('createCatalogHandler: authorize must be a function');
  }
  if (!Number.isSafeInteger(maxLimit) || maxLimit < 1) throw new InputError('createCatalogHandler: maxLimit must be a positive integer');
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new InputError('createCatalogHandler: maxBodyBytes must be a positive integer');
  }

  const body = <T>(request: Request, schema: z.ZodType<T>) => readJsonBody(request, { schema, maxBytes: maxBodyBytes });
  const viewFor = async (request: Request) => catalog.forPrincipal(await catalog.auth.identify(request), { request });
  const allow = async (request: Request, action: CatalogAction, resource: CatalogResource) => {
    try {
      await assertAuthorized(authorize, request, action, resource);
    } catch (error) {
      // A mutation the hook refuses is audited as denied, like one the policy refuses.
      if (error instanceof NotAllowedError) await auditHookDenial(catalog.auth, request, action, resource, error);
      throw error;
    }
  };
  const pathRef = (params: Record<string, string>) =>
    stringifyEntityRef({ kind: params.kind!, namespace: params.namespace!, name: params.name! });
  const filterOf = (url: URL) => parseFilterParams(getQueryArray(url, 'filter'));
  const fieldsOf = (url: URL) => getQueryArray(url, 'fields');
  const limit = (url: URL, min: number) => parseLimitParam(getQueryArray(url, 'limit'), { min, max: maxLimit });
  /** A mutation's subject the caller cannot see (or that does not exist) is audited, then not found. */
  const auditMiss = async (miss: AuditMiss | undefined, target: string, exists: () => Promise<boolean>, error: NotFoundError) => {
    if (!miss) return error;
    const outcome = (await exists()) ? 'denied' : 'failure';
    const principal = await catalog.auth.identify(miss.request);
    await catalog.auth.audit({ plugin: 'catalog', action: miss.action, target, outcome, principal, request: miss.request, error });
    return error;
  };
  const entityByUid = async (view: CatalogView, uid: string, miss?: AuditMiss) => {
    const entity = await view.getEntityByUid(uid);
    if (entity) return entity;
    throw await auditMiss(miss, `uid:${uid}`, async () => (await catalog.getEntityByUid(uid)) !== undefined, new NotFoundError(`No entity with uid ${uid}`));
  };
  const locationById = async (view: CatalogView, id: string, miss?: AuditMiss) => {
    try {
      return await view.getLocation(id);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const exists = () => catalog.getLocation(id).then(() => true, () => false);
      throw await auditMiss(miss, `location:${id}`, exists, error);
    }
  };
  const noContent = () => new Response(null, { status: 204 });

  const context: RouteContext = { viewFor, maxLimit, body, allow, pathRef, filterOf, fieldsOf, limit, entityByUid, locationById, noContent };
  const router = createRouter({ basePath: options.basePath ?? '/api/catalog', ...(options.onError ? { onError: options.onError } : {}) });
  addEntityQueryRoutes(router, context);
  addGraphRoutes(router, context);
  addEntityRoutes(router, context);
  addLocationRoutes(router, context);
  addProviderRoutes(router, context);
  return router.handler;
}
