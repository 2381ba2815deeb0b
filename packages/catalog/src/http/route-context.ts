import type { Entity } from '@portalkit/catalog-model';
import { z } from 'zod';
import type { FilterPredicate } from '../query/filter.js';
import type { EntityFilterQuery } from '../query/types.js';
import type { CatalogView, Location } from '../types.js';
import type { CatalogAction, CatalogResource } from './authorize.js';

/** A Backstage predicate query in a request body; the catalog validates its operators. */
export const predicate = z.record(z.string(), z.unknown()).transform((q) => q as FilterPredicate);

/** For mutation routes: the request and action to audit when the subject is not found for the caller. */
export interface AuditMiss {
  request: Request;
  action: 'catalog.entity.delete' | 'catalog.location.delete' | 'catalog.location.update';
}

/** What every group of catalog routes uses: the library and the handler's request helpers. */
export interface RouteContext {
  /**
   * The catalog as the request's principal may use it (`catalog.forPrincipal`); identifies the
   * request first (bad credentials: AuthenticationError, 401).
   */
  viewFor(request: Request): Promise<CatalogView>;
  /** The largest `limit` a client may ask for. */
  maxLimit: number;
  /** Read a JSON body (size-limited) and parse it with `schema`; a bad body is an InputError. */
  body<T>(request: Request, schema: z.ZodType<T>): Promise<T>;
  /** Ask the `authorize` hook; a denial is a NotAllowedError. */
  allow(request: Request, action: CatalogAction, resource: CatalogResource): Promise<void>;
  /** The entity ref of `/:kind/:namespace/:name` path parameters. */
  pathRef(params: Record<string, string>): string;
  /** Backstage's `filter` query parameters. */
  filterOf(url: URL): EntityFilterQuery | undefined;
  /** `fields` query parameters. */
  fieldsOf(url: URL): string[];
  /** The `limit` query parameter, at least `min` and at most `maxLimit`. */
  limit(url: URL, min: number): number | undefined;
  /** The entity with this uid as `catalog` shows it, else a NotFoundError (audited when `miss` is given). */
  entityByUid(catalog: CatalogView, uid: string, miss?: AuditMiss): Promise<Entity>;
  /** The location with this id as `catalog` shows it, else a NotFoundError (audited when `miss` is given). */
  locationById(catalog: CatalogView, id: string, miss?: AuditMiss): Promise<Location>;
  noContent(): Response;
}
