import type { Principal } from './principal.js';

/**
 * A named permission, as Backstage's: basic (`scaffolder.action.execute` without a resource) or
 * resource-bound (`catalog.entity.read` on a `catalog-entity`), with an optional action attribute.
 *
 * @example
 * ```ts
 * const read = createPermission({ name: 'catalog.entity.read', attributes: { action: 'read' }, resourceType: 'catalog-entity' });
 * ```
 */
export interface Permission {
  name: string;
  attributes: { action?: 'create' | 'read' | 'update' | 'delete' };
  /** Set for permissions that apply to one resource; conditions then refer to this type. */
  resourceType?: string;
}

/**
 * Define a {@link Permission}; the object is frozen so a policy cannot change it.
 *
 * @example
 * ```ts
 * createPermission({ name: 'scaffolder.task.create', attributes: { action: 'create' } });
 * ```
 */
export function createPermission(permission: Permission): Permission {
  return Object.freeze({ ...permission, attributes: Object.freeze({ ...permission.attributes }) });
}

/**
 * One condition of a conditional decision: a rule of `resourceType` with its parameters.
 *
 * @example
 * ```ts
 * const c: PermissionCondition = { resourceType: 'catalog-entity', rule: 'IS_ENTITY_KIND', params: { kinds: ['component'] } };
 * ```
 */
export interface PermissionCondition {
  resourceType: string;
  rule: string;
  params?: Record<string, unknown>;
}

/**
 * A boolean tree of conditions, as Backstage's: `allOf` (an empty list is true), `anyOf` (an
 * empty list is false), `not`.
 *
 * @example
 * ```ts
 * const c: PermissionCriteria<PermissionCondition> = { not: { resourceType: 'catalog-entity', rule: 'HAS_LABEL', params: { label: 'secret' } } };
 * ```
 */
export type PermissionCriteria<T> =
  | { allOf: PermissionCriteria<T>[] }
  | { anyOf: PermissionCriteria<T>[] }
  | { not: PermissionCriteria<T> }
  | T;

/**
 * What a policy answers: allow, deny, or allow where the conditions hold for the resource. A
 * package turns conditions into its store's query (lists stay correct) or applies them to one
 * resource.
 *
 * @example
 * ```ts
 * const d: PolicyDecision = { result: 'CONDITIONAL', resourceType: 'catalog-entity', conditions: { allOf: [] } };
 * ```
 */
export type PolicyDecision =
  | { result: 'ALLOW' }
  | { result: 'DENY' }
  | { result: 'CONDITIONAL'; resourceType: string; conditions: PermissionCriteria<PermissionCondition> };

/**
 * The host's one policy, asked by every package. It does not see the resource: a conditional
 * answer says what must hold for it. Throwing counts as deny (and is logged), never as allow.
 *
 * @example
 * ```ts
 * const policy: PermissionPolicy = (principal, permission) =>
 *   permission.attributes.action === 'read' || principal.type === 'user' ? { result: 'ALLOW' } : { result: 'DENY' };
 * ```
 */
export type PermissionPolicy = (
  principal: Principal,
  permission: Permission,
) => PolicyDecision | Promise<PolicyDecision>;

/** Type guard for criteria nodes. */
export function isAllOf<T>(c: PermissionCriteria<T>): c is { allOf: PermissionCriteria<T>[] } {
  return typeof c === 'object' && c !== null && Array.isArray((c as { allOf?: unknown }).allOf);
}
/** Type guard for criteria nodes. */
export function isAnyOf<T>(c: PermissionCriteria<T>): c is { anyOf: PermissionCriteria<T>[] } {
  return typeof c === 'object' && c !== null && Array.isArray((c as { anyOf?: unknown }).anyOf);
}
/** Type guard for criteria nodes. */
export function isNot<T>(c: PermissionCriteria<T>): c is { not: PermissionCriteria<T> } {
  return typeof c === 'object' && c !== null && 'not' in (c as object) && !('rule' in (c as object));
}
