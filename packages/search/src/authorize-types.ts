import { CATALOG_ENTITY_RESOURCE_TYPE, entityConditionsToFilter } from '@portalkit/catalog-model';
import type { EntityFilter } from '@portalkit/catalog-model';
import type { Logger, PortalAuth, Principal } from '@portalkit/core';
import type { Collator } from './collators/types.js';

/** The types a principal may search and, for those allowed only under conditions, their filters. */
export interface AuthorizedTypes {
  types: string[];
  visibility: Record<string, EntityFilter>;
}

/**
 * Ask the policy about each wanted type's `visibilityPermission`, as Backstage's
 * AuthorizedSearchEngine does, but so that engines apply the answer: ALLOW keeps the type, DENY
 * drops it, CONDITIONAL on catalog entities becomes the type's filter. Conditions on any other
 * resource type, or that do not translate (an unknown rule), drop the type: search cannot judge
 * them, and hiding is the safe side. Types without a permission stay.
 */
export async function authorizeTypes(
  auth: PortalAuth,
  principal: Principal,
  wanted: readonly string[],
  collators: ReadonlyMap<string, Collator>,
  logger: Logger,
): Promise<AuthorizedTypes> {
  const result: AuthorizedTypes = { types: [], visibility: {} };
  for (const type of wanted) {
    const permission = collators.get(type)?.visibilityPermission;
    if (!permission) {
      result.types.push(type);
      continue;
    }
    const decision = await auth.authorize(principal, permission);
    if (decision.result === 'ALLOW') {
      result.types.push(type);
    } else if (decision.result === 'CONDITIONAL') {
      if (decision.resourceType !== CATALOG_ENTITY_RESOURCE_TYPE) {
        logger.error('search: conditions on a resource type search cannot evaluate; hiding the type', {
          type,
          resourceType: decision.resourceType,
        });
        continue;
      }
      try {
        result.visibility[type] = entityConditionsToFilter(decision.conditions);
        result.types.push(type);
      } catch (error) {
        logger.error('search: permission conditions could not be translated; hiding the type', { type, error });
      }
    }
  }
  return result;
}
