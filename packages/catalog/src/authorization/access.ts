import { applyConditions, hostPrincipal, validateConditions } from '@portalkit/core';
import type { Logger, Permission, PortalAuth, Principal } from '@portalkit/core';
import { catalogEntityPermissionRules } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import type { EntityFilter } from '../query/types.js';
import { entityReadFilter } from './entity-read-filter.js';

/**
 * Who a catalog view acts for and what the policy lets them do. The host's access allows
 * everything; a principal's asks the portal's policy on every call (decisions are not cached,
 * so a policy change applies to the next call).
 */
export interface CatalogAccess {
  readonly principal: Principal;
  /** The HTTP request the call serves, for audit request ids. */
  readonly request?: Request;
  /** ANDed into every entity read; `undefined` reads everything. */
  readFilter(): Promise<EntityFilter | undefined>;
  /** Whether a permission without a resource (location and create permissions) is allowed outright. */
  allows(permission: Permission): Promise<boolean>;
  /** Whether a permission on entities allows this one entity (conditions applied to it). */
  allowsEntity(permission: Permission, entity: Entity): Promise<boolean>;
  /**
   * The location types this caller may register, analyze or retarget a location to
   * (`allowedLocationTypes`); `undefined` for the host, who may use every type.
   */
  readonly allowedLocationTypes?: readonly string[];
}

/**
 * The host's access: library calls made without `forPrincipal` are trusted.
 *
 * @example
 * ```ts
 * const access = hostAccess();
 * await access.allows(catalogLocationCreatePermission); // true
 * ```
 */
export function hostAccess(): CatalogAccess {
  return {
    principal: hostPrincipal(),
    readFilter: async () => undefined,
    allows: async () => true,
    allowsEntity: async () => true,
  };
}

/**
 * A principal's access, decided by `auth`'s policy.
 *
 * @example
 * ```ts
 * const access = principalAccess({ auth, principal, logger, request, allowedLocationTypes: ['url'] });
 * const filter = await access.readFilter();
 * ```
 */
export function principalAccess(options: {
  auth: PortalAuth;
  principal: Principal;
  logger: Logger;
  request?: Request;
  allowedLocationTypes: readonly string[];
}): CatalogAccess {
  const { auth, principal, logger, request, allowedLocationTypes } = options;
  return {
    principal,
    allowedLocationTypes,
    ...(request ? { request } : {}),
    readFilter: () => entityReadFilter(auth, principal, logger),
    allows: async (permission) => (await auth.authorize(principal, permission)).result === 'ALLOW',
    async allowsEntity(permission, entity) {
      const decision = await auth.authorize(principal, permission);
      if (decision.result !== 'CONDITIONAL') return decision.result === 'ALLOW';
      try {
        // Validated whole first: applying stops at the first deciding branch and could pass over an unknown rule.
        validateConditions(decision.conditions, catalogEntityPermissionRules);
        return applyConditions(decision.conditions, entity, catalogEntityPermissionRules);
      } catch (error) {
        logger.error(`${permission.name} conditions could not be applied; denying`, { subject: principal.subject, error });
        return false;
      }
    },
  };
}
