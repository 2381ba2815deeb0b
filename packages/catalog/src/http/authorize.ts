import { NotAllowedError } from '@portalkit/core';
import type { PortalAuth } from '@portalkit/core';

/**
 * What a catalog HTTP request wants to do: `read` (entities, locations, facets, validation and
 * analysis, which store nothing), `create` (register a location, also on dry runs), `update`
 * (point a location elsewhere; the resource carries its id and new type and target),
 * `delete` (an entity or a location) or `refresh` (an entity).
 *
 * @example
 * ```ts
 * const action: CatalogAction = 'delete';
 * ```
 */
export type CatalogAction = 'read' | 'create' | 'update' | 'delete' | 'refresh';

/**
 * What an action is applied to: one entity (by ref), one location (the registered one, or the
 * `{ type, target }` about to be registered), or the whole set (`entities`, `locations`) for
 * queries, lists, facets, batch reads and validation, or the entity providers' statuses
 * (`providers`, read only).
 *
 * @example
 * ```ts
 * const resource: CatalogResource = { type: 'entity', entityRef: 'component:default/payments-api' };
 * ```
 */
export type CatalogResource =
  | { type: 'entity'; entityRef: string }
  | { type: 'entities' }
  | { type: 'location'; location: { id?: string; type: string; target: string } }
  | { type: 'locations' }
  | { type: 'providers' };

/**
 * Decides whether `request` may apply `action` to `resource`. Returning `false` answers 403;
 * throwing answers the error's status (`NotAllowedError` 403, `AuthenticationError` 401).
 * It runs before the catalog is touched, so a denied request changes nothing.
 *
 * @example
 * ```ts
 * const authorize: CatalogAuthorize = (request, action) =>
 *   action === 'read' || request.headers.get('authorization') === `Bearer ${process.env.ADMIN_TOKEN}`;
 * ```
 */
export type CatalogAuthorize = (
  request: Request,
  action: CatalogAction,
  resource: CatalogResource,
) => boolean | void | Promise<boolean | void>;

/** Run the hook; `false` becomes a `NotAllowedError` naming the action and resource. */
export async function assertAuthorized(
  authorize: CatalogAuthorize | undefined,
  request: Request,
  action: CatalogAction,
  resource: CatalogResource,
): Promise<void> {
  if (!authorize) return;
  if ((await authorize(request, action, resource)) === false) {
    throw new NotAllowedError(`Not allowed to ${action} ${describe(resource)}`);
  }
}

function describe(resource: CatalogResource): string {
  switch (resource.type) {
    case 'entity':
      return `entity ${resource.entityRef}`;
    case 'location':
      return `location ${resource.location.id ?? `${resource.location.type}:${resource.location.target}`}`;
    default:
      return resource.type;
  }
}

const hookAuditActions = {
  create: () => 'catalog.location.create',
  update: () => 'catalog.location.update',
  refresh: () => 'catalog.entity.refresh',
  delete: (resource: CatalogResource) => (resource.type === 'entity' ? 'catalog.entity.delete' : 'catalog.location.delete'),
} as const;

/** Audit a mutation the `authorize` hook refused (reads are not audited). */
export async function auditHookDenial(
  auth: PortalAuth,
  request: Request,
  action: CatalogAction,
  resource: CatalogResource,
  error: NotAllowedError,
): Promise<void> {
  if (action === 'read') return;
  const target =
    resource.type === 'entity'
      ? resource.entityRef
      : resource.type === 'location'
        ? resource.location.id !== undefined
          ? `location:${resource.location.id}`
          : `${resource.location.type}:${resource.location.target}`
        : resource.type;
  await auth.audit({
    plugin: 'catalog',
    action: hookAuditActions[action](resource),
    target,
    outcome: 'denied',
    principal: await auth.identify(request),
    request,
    error,
    meta: { by: 'authorize hook' },
  });
}
