import { createServiceRef, type Principal } from '@portalkit/core';
import type { Entity } from './types.js';

/**
 * The catalog reads and registrations other plugins use (the scaffolder, TechDocs, search),
 * as seen by one principal or by the host.
 * @example
 * ```ts
 * declare const view: CatalogServiceView;
 * const template = await view.getEntityByRef('template:default/service');
 * ```
 */
export interface CatalogServiceView {
  getEntityByRef(ref: string): Promise<Entity | undefined>;
  getEntities(request?: { filter?: Record<string, string | string[]> }): Promise<{ items: Entity[] }>;
  addLocation(
    location: { type?: string; target: string },
    options?: { dryRun?: boolean },
  ): Promise<{ location: { id?: string; type: string; target: string }; entities: Entity[] }>;
}

/**
 * The catalog as a portal service: `@portalkit/catalog`'s `Catalog` is one, and `catalogPlugin`
 * provides it under {@link catalogServiceRef} when it starts.
 * @example
 * ```ts
 * declare const catalog: CatalogService;
 * const mine = await catalog.forPrincipal(principal).getEntities();
 * ```
 */
export interface CatalogService extends CatalogServiceView {
  /** The catalog as `principal` may use it (reads filtered by the policy, mutations checked). */
  forPrincipal(principal: Principal, options?: { request?: Request }): CatalogServiceView;
}

/**
 * Where a started portal's catalog is found: `catalogPlugin()` provides it, and the plugins
 * after it (`scaffolderPlugin()`, `techdocsPlugin()`, `searchPlugin()` without options) get it
 * from `context.services`.
 * @example
 * ```ts
 * const plugin: PortalPlugin = {
 *   id: 'owners',
 *   async start({ services }) {
 *     const { items } = await services.get(catalogServiceRef).getEntities({ filter: { kind: 'group' } });
 *   },
 * };
 * ```
 */
export const catalogServiceRef = createServiceRef<CatalogService>({ id: 'catalog', providedBy: 'catalogPlugin()' });
