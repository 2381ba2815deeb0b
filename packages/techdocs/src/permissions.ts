import { createPermission } from '@portalkit/core';
import { CATALOG_ENTITY_RESOURCE_TYPE } from '@portalkit/catalog-model';

/**
 * Build or re-build an entity's docs (the `/sync` route, `build`, `sync`, `publish`). Backstage's
 * TechDocs backend lets anyone who can read the entity trigger a sync; portalkit asks for this
 * permission too (on the entity, so a policy may answer with catalog conditions) because a sync
 * runs a build on the host. A policy that answers ALLOW for it restores Backstage's behaviour.
 * Reading docs needs `catalog.entity.read` on the entity and nothing else.
 *
 * @example
 * ```ts
 * const policy: PermissionPolicy = (principal, permission) =>
 *   permission.name === techdocsEntitySyncPermission.name && principal.type === 'anonymous' ? { result: 'DENY' } : { result: 'ALLOW' };
 * ```
 */
export const techdocsEntitySyncPermission = createPermission({
  name: 'techdocs.entity.sync',
  attributes: { action: 'update' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});

/**
 * Every TechDocs permission.
 *
 * @example
 * ```ts
 * techdocsPermissions.map((p) => p.name); // ['techdocs.entity.sync']
 * ```
 */
export const techdocsPermissions = [techdocsEntitySyncPermission] as const;
