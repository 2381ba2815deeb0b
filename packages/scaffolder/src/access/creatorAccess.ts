import { NotAllowedError, type Principal } from '@portalkit/core';
import type { ServiceForPrincipal, TaskCreator } from '../types.js';
import type { ViewIdentity } from './taskAccess.js';

/**
 * Who a task created by `identity` acts as: the host for host calls, else the principal with its
 * claims dropped (the verified identity, never the token's payload) and whether the view's auth
 * has a policy.
 */
export function creatorOf(identity: ViewIdentity): TaskCreator {
  const { principal } = identity;
  if (!principal) return { type: 'host' };
  const stored: Principal = {
    type: principal.type,
    subject: principal.subject,
    ...(principal.userEntityRef !== undefined ? { userEntityRef: principal.userEntityRef } : {}),
    ownershipEntityRefs: [...principal.ownershipEntityRefs],
    claims: {},
    ...(principal.scopes !== undefined ? { scopes: [...principal.scopes] } : {}),
  };
  return { type: 'principal', principal: stored, policy: identity.auth.hasPolicy };
}

/** `ActionContext.asCreator` of one task. */
export type AsCreator = <T extends ServiceForPrincipal<T>>(service: T, what: string) => T;

/**
 * `ActionContext.asCreator` for a task with `creator`, `policy` telling whether a permission
 * policy is in force for it. Host-created tasks use the service as it is; a principal's use
 * `service.forPrincipal(principal)`. Under a policy, a task without a stored creator and a
 * service without `forPrincipal` fail closed (NotAllowedError); without one they use the service
 * as it is (allow-all).
 */
export function creatorBinding(creator: TaskCreator | undefined, policy: boolean): AsCreator {
  return (service, what) => {
    if (creator?.type === 'host') return service;
    if (!creator) {
      if (!policy) return service;
      throw new NotAllowedError(
        `${what}: this task was stored without its creator (created before this version, or by a task store that drops \`creator\`) and a permission policy is in force, so it may not act as anyone`,
      );
    }
    if (typeof service.forPrincipal === 'function') return service.forPrincipal(creator.principal);
    if (!policy) return service;
    throw new NotAllowedError(
      `${what}: a permission policy is in force and the service given to the action has no forPrincipal(principal), so it cannot act as the task's creator; pass the catalog itself (createCatalog's Catalog) or an object with forPrincipal (see docs/actions.md)`,
    );
  };
}
