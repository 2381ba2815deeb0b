import { InputError } from '@portalkit/core';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import type { DocsEntityName, TechDocsEntity } from './types.js';

/** The annotation naming where an entity's docs live (`dir:.` or `url:https://...`). */
export const TECHDOCS_REF_ANNOTATION = 'backstage.io/techdocs-ref';
/** The annotation naming where an entity was read from; `dir:` refs resolve against it. */
export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';
/** Backstage's fallback for the source location. */
export const MANAGED_BY_LOCATION_ANNOTATION = 'backstage.io/managed-by-location';

/**
 * The lowercased namespace/kind/name of an entity, as Backstage stores docs under.
 *
 * @example
 * ```ts
 * docsEntityName({ kind: 'Component', metadata: { name: 'Svc' } }); // { namespace: 'default', kind: 'component', name: 'svc' }
 * ```
 */
export function docsEntityName(entity: TechDocsEntity | DocsEntityName): DocsEntityName {
  if ('metadata' in entity) {
    return checkName({
      namespace: (entity.metadata.namespace ?? 'default').toLowerCase(),
      kind: entity.kind.toLowerCase(),
      name: entity.metadata.name.toLowerCase(),
    });
  }
  return checkName({
    namespace: entity.namespace.toLowerCase(),
    kind: entity.kind.toLowerCase(),
    name: entity.name.toLowerCase(),
  });
}

/**
 * `kind:namespace/name`, the string form of an entity reference.
 *
 * @example
 * ```ts
 * docsEntityRef({ namespace: 'default', kind: 'component', name: 'svc' }); // 'component:default/svc'
 * ```
 */
export function docsEntityRef(name: DocsEntityName): string {
  return stringifyEntityRef(name);
}

// Names become directory names, so anything that could walk the filesystem is refused.
function checkName(name: DocsEntityName): DocsEntityName {
  for (const [key, value] of Object.entries(name)) {
    if (!value || value === '.' || value === '..' || /[/\\\0]/.test(value)) {
      throw new InputError(`invalid entity ${key} '${value}'`);
    }
  }
  return name;
}
