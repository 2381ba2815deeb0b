/*
 * Relation types of the well-known relation pairs, spelled exactly as in
 * @backstage/catalog-model. Each forward type has a reverse one the catalog adds on the target.
 */

/**
 * Entity is owned by a Group or User (`spec.owner`). Reverse: {@link RELATION_OWNER_OF}.
 * @example
 * ```ts
 * entity.relations?.filter((r) => r.type === RELATION_OWNED_BY);
 * ```
 */
export const RELATION_OWNED_BY = 'ownedBy';
/**
 * Reverse of {@link RELATION_OWNED_BY}.
 * @example
 * ```ts
 * group.relations?.filter((r) => r.type === RELATION_OWNER_OF);
 * ```
 */
export const RELATION_OWNER_OF = 'ownerOf';
/**
 * Component consumes an API (`spec.consumesApis`). Reverse: {@link RELATION_API_CONSUMED_BY}.
 * @example
 * ```ts
 * component.relations?.filter((r) => r.type === RELATION_CONSUMES_API);
 * ```
 */
export const RELATION_CONSUMES_API = 'consumesApi';
/**
 * Reverse of {@link RELATION_CONSUMES_API}.
 * @example
 * ```ts
 * api.relations?.filter((r) => r.type === RELATION_API_CONSUMED_BY);
 * ```
 */
export const RELATION_API_CONSUMED_BY = 'apiConsumedBy';
/**
 * Component provides an API (`spec.providesApis`). Reverse: {@link RELATION_API_PROVIDED_BY}.
 * @example
 * ```ts
 * component.relations?.filter((r) => r.type === RELATION_PROVIDES_API);
 * ```
 */
export const RELATION_PROVIDES_API = 'providesApi';
/**
 * Reverse of {@link RELATION_PROVIDES_API}.
 * @example
 * ```ts
 * api.relations?.filter((r) => r.type === RELATION_API_PROVIDED_BY);
 * ```
 */
export const RELATION_API_PROVIDED_BY = 'apiProvidedBy';
/**
 * Entity needs another to function (`spec.dependsOn`). Reverse: {@link RELATION_DEPENDENCY_OF}.
 * @example
 * ```ts
 * component.relations?.filter((r) => r.type === RELATION_DEPENDS_ON);
 * ```
 */
export const RELATION_DEPENDS_ON = 'dependsOn';
/**
 * Reverse of {@link RELATION_DEPENDS_ON}.
 * @example
 * ```ts
 * resource.relations?.filter((r) => r.type === RELATION_DEPENDENCY_OF);
 * ```
 */
export const RELATION_DEPENDENCY_OF = 'dependencyOf';
/**
 * Group is the parent of another group (`spec.children`). Reverse: {@link RELATION_CHILD_OF}.
 * @example
 * ```ts
 * group.relations?.filter((r) => r.type === RELATION_PARENT_OF);
 * ```
 */
export const RELATION_PARENT_OF = 'parentOf';
/**
 * Group is a child of another group (`spec.parent`).
 * @example
 * ```ts
 * group.relations?.filter((r) => r.type === RELATION_CHILD_OF);
 * ```
 */
export const RELATION_CHILD_OF = 'childOf';
/**
 * User is a member of a group (`spec.memberOf`). Reverse: {@link RELATION_HAS_MEMBER}.
 * @example
 * ```ts
 * user.relations?.filter((r) => r.type === RELATION_MEMBER_OF);
 * ```
 */
export const RELATION_MEMBER_OF = 'memberOf';
/**
 * Reverse of {@link RELATION_MEMBER_OF}.
 * @example
 * ```ts
 * group.relations?.filter((r) => r.type === RELATION_HAS_MEMBER);
 * ```
 */
export const RELATION_HAS_MEMBER = 'hasMember';
/**
 * Entity is part of a system, domain or component (`spec.system`, `spec.domain`,
 * `spec.subcomponentOf`, `spec.subdomainOf`). Reverse: {@link RELATION_HAS_PART}.
 * @example
 * ```ts
 * component.relations?.filter((r) => r.type === RELATION_PART_OF);
 * ```
 */
export const RELATION_PART_OF = 'partOf';
/**
 * Reverse of {@link RELATION_PART_OF}.
 * @example
 * ```ts
 * system.relations?.filter((r) => r.type === RELATION_HAS_PART);
 * ```
 */
export const RELATION_HAS_PART = 'hasPart';
