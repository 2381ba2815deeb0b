import { RELATION_OWNED_BY, parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';

/** The entity's owner ref: its `ownedBy` relation, else `spec.owner` read as a group ref. */
export function ownerRefOf(entity: Entity): string | undefined {
  const related = entity.relations?.find((r) => r.type === RELATION_OWNED_BY)?.targetRef;
  if (related) return related;
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'Group', defaultNamespace: entity.metadata.namespace ?? 'default' }));
  } catch {
    return undefined;
  }
}

/** Kinds that have `spec.owner` in Backstage's model. */
export const ownedKinds = ['component', 'api', 'resource', 'system', 'domain', 'template'];
