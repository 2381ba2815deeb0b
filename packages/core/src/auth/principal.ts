import { z } from 'zod';

/**
 * Who is asking. `user` principals carry their user entity ref and the refs they own through
 * (the user and its groups, transitively), as Backstage's `ownershipEntityRefs`; `service`
 * principals are machine clients, optionally limited to `scopes` (permission names, `*` for a
 * prefix such as `catalog.*`); `anonymous` is a request that presented no credentials.
 *
 * @example
 * ```ts
 * const jane: Principal = {
 *   type: 'user',
 *   subject: 'user:default/jane',
 *   userEntityRef: 'user:default/jane',
 *   ownershipEntityRefs: ['user:default/jane', 'group:default/team-payments'],
 *   claims: {},
 * };
 * ```
 */
export const principalSchema = z.object({
  type: z.enum(['user', 'service', 'anonymous']),
  /** A stable name for audit records: the user entity ref, the service name, or `anonymous`. */
  subject: z.string(),
  userEntityRef: z.string().optional(),
  ownershipEntityRefs: z.array(z.string()),
  /** Verified claims (a JWT's payload); never credentials. */
  claims: z.record(z.string(), z.unknown()),
  /** For `service` principals: the permission names (or `prefix.*`) the token may use. */
  scopes: z.array(z.string()).optional(),
});

/** See {@link principalSchema}. */
export type Principal = z.infer<typeof principalSchema>;

/**
 * Turns a request into a {@link Principal}. Return the anonymous principal when the request
 * carries no credentials; throw `AuthenticationError` (401) when it carries bad ones.
 *
 * @example
 * ```ts
 * const identify: Identify = () => anonymousPrincipal();
 * ```
 */
export type Identify = (request: Request) => Principal | Promise<Principal>;

/**
 * The principal of a request without credentials.
 *
 * @example
 * ```ts
 * anonymousPrincipal(); // { type: 'anonymous', subject: 'anonymous', ownershipEntityRefs: [], claims: {} }
 * ```
 */
export function anonymousPrincipal(): Principal {
  return { type: 'anonymous', subject: 'anonymous', ownershipEntityRefs: [], claims: {} };
}

/**
 * The principal of the host's own code: a service with every scope. Library calls made without a
 * principal act as this one.
 *
 * @example
 * ```ts
 * hostPrincipal().type; // 'service'
 * ```
 */
export function hostPrincipal(): Principal {
  return { type: 'service', subject: 'host', ownershipEntityRefs: [], claims: {}, scopes: ['*'] };
}

/** Whether a service principal's scopes cover `permissionName`; other principals always pass. */
export function scopesAllow(principal: Principal, permissionName: string): boolean {
  if (principal.type !== 'service' || principal.scopes === undefined) return true;
  return principal.scopes.some(
    (scope) =>
      scope === '*' ||
      scope === permissionName ||
      (scope.endsWith('.*') && permissionName.startsWith(scope.slice(0, -1))),
  );
}
