/*
 * The catalog's permissions and the rules a policy may use in conditions on entities, named as
 * Backstage's (@backstage/plugin-catalog-common and the catalog backend's permission rules).
 * Each rule says the same thing twice, as a filter for the stores (`toQuery`) and as a check of
 * one entity (`apply`); `apply` evaluates that very filter, so the two cannot disagree.
 */
import {
  conditionsToQuery,
  createConditionFactory,
  createPermission,
  createPermissionRule,
  type PermissionCondition,
  type PermissionCriteria,
  type PermissionRule,
  type PolicyDecision,
} from '@portalkit/core';
import { z } from 'zod';
import { type EntityFilter, entityMatchesFilter } from './entity-filter.js';
import type { Entity } from './types.js';

/** The resource type of catalog entities in permissions and conditions. */
export const CATALOG_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/**
 * Read entities; conditional decisions filter every read (lists, counts, facets, by-refs,
 * ancestry) in the store.
 */
export const catalogEntityReadPermission = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});
/** Create entities (register a location); checked with the location permissions. */
export const catalogEntityCreatePermission = createPermission({ name: 'catalog.entity.create', attributes: { action: 'create' } });
/** Unregister (delete) one entity. */
export const catalogEntityDeletePermission = createPermission({
  name: 'catalog.entity.delete',
  attributes: { action: 'delete' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});
/** Ask for one entity to be refreshed. */
/**
 * Change an entity's metadata or spec through its source (a pull request, or directly for
 * provider-owned entities): `catalog:entity:update` and `PATCH /entities/by-name/...`.
 * @example
 * ```ts
 * await auth.authorize(principal, catalogEntityUpdatePermission, { resourceRef: 'component:default/web' });
 * ```
 */
export const catalogEntityUpdatePermission = createPermission({
  name: 'catalog.entity.update',
  attributes: { action: 'update' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});

export const catalogEntityRefreshPermission = createPermission({
  name: 'catalog.entity.refresh',
  attributes: { action: 'update' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});
/** Read registered locations. */
export const catalogLocationReadPermission = createPermission({ name: 'catalog.location.read', attributes: { action: 'read' } });
/** Register a location (also a dry run). */
export const catalogLocationCreatePermission = createPermission({ name: 'catalog.location.create', attributes: { action: 'create' } });
/** Remove a location (or point it elsewhere). */
export const catalogLocationDeletePermission = createPermission({ name: 'catalog.location.delete', attributes: { action: 'delete' } });
/** Analyze a location or validate an entity (stores nothing). */
export const catalogLocationAnalyzePermission = createPermission({ name: 'catalog.location.analyze', attributes: { action: 'read' } });

/**
 * Every catalog permission.
 *
 * @example
 * ```ts
 * catalogPermissions.map((p) => p.name); // ['catalog.entity.read', ...]
 * ```
 */
export const catalogPermissions = [
  catalogEntityReadPermission,
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityRefreshPermission,
  catalogEntityUpdatePermission,
  catalogLocationReadPermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  catalogLocationAnalyzePermission,
] as const;

const lower = (s: string) => s.toLowerCase();

function entityRule<TParams>(
  name: string,
  description: string,
  paramsSchema: z.ZodType<TParams>,
  toQuery: (params: TParams) => EntityFilter,
): PermissionRule<Entity, EntityFilter, TParams> {
  return createPermissionRule({
    name,
    description,
    resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
    paramsSchema,
    toQuery,
    apply: (entity, params) => entityMatchesFilter(entity, toQuery(params)),
  });
}

const keyValue = z.strictObject({ key: z.string().min(1), value: z.string().optional() });

/** Has the annotation, with `value` when given. */
export const hasAnnotationRule = entityRule(
  'HAS_ANNOTATION',
  'Allow entities with the annotation (and value, when given)',
  z.strictObject({ annotation: z.string().min(1), value: z.string().optional() }),
  ({ annotation, value }) => ({
    key: lower(`metadata.annotations.${annotation}`),
    ...(value === undefined ? {} : { values: [lower(value)] }),
  }),
);
/** Has the label. */
export const hasLabelRule = entityRule(
  'HAS_LABEL',
  'Allow entities with the label',
  z.strictObject({ label: z.string().min(1) }),
  ({ label }) => ({ key: lower(`metadata.labels.${label}`) }),
);
/** Has `metadata.<key>`, equal to `value` when given. */
export const hasMetadataRule = entityRule(
  'HAS_METADATA',
  'Allow entities with the metadata key (and value, when given)',
  keyValue,
  ({ key, value }) => ({ key: lower(`metadata.${key}`), ...(value === undefined ? {} : { values: [lower(value)] }) }),
);
/** Has `spec.<key>`, equal to `value` when given. */
export const hasSpecRule = entityRule(
  'HAS_SPEC',
  'Allow entities with the spec key (and value, when given)',
  keyValue,
  ({ key, value }) => ({ key: lower(`spec.${key}`), ...(value === undefined ? {} : { values: [lower(value)] }) }),
);
/** Is one of the kinds. */
export const isEntityKindRule = entityRule(
  'IS_ENTITY_KIND',
  'Allow entities of one of the kinds',
  z.strictObject({ kinds: z.array(z.string().min(1)) }),
  ({ kinds }) => ({ key: 'kind', values: kinds.map(lower) }),
);
/** Is owned (`relations.ownedBy`) by one of the claims, usually the principal's ownershipEntityRefs. */
export const isEntityOwnerRule = entityRule(
  'IS_ENTITY_OWNER',
  'Allow entities owned by one of the claims (entity refs)',
  z.strictObject({ claims: z.array(z.string().min(1)) }),
  ({ claims }) => ({ key: 'relations.ownedby', values: claims.map(lower) }),
);

/**
 * The rules conditions on catalog entities may name.
 *
 * @example
 * ```ts
 * applyConditions(decision.conditions, entity, catalogEntityPermissionRules);
 * ```
 */
export const catalogEntityPermissionRules = [
  hasAnnotationRule,
  hasLabelRule,
  hasMetadataRule,
  hasSpecRule,
  isEntityKindRule,
  isEntityOwnerRule,
] as const;

/**
 * Condition builders for policies, as Backstage's `catalogConditions`.
 *
 * @example
 * ```ts
 * const decision = createCatalogConditionalDecision({ anyOf: [
 *   catalogConditions.isEntityOwner({ claims: principal.ownershipEntityRefs }),
 *   { not: catalogConditions.hasLabel({ label: 'restricted' }) },
 * ] });
 * ```
 */
export const catalogConditions = {
  hasAnnotation: createConditionFactory(hasAnnotationRule),
  hasLabel: createConditionFactory(hasLabelRule),
  hasMetadata: createConditionFactory(hasMetadataRule),
  hasSpec: createConditionFactory(hasSpecRule),
  isEntityKind: createConditionFactory(isEntityKindRule),
  isEntityOwner: createConditionFactory(isEntityOwnerRule),
};

/**
 * A conditional decision on catalog entities.
 *
 * @example
 * ```ts
 * createCatalogConditionalDecision(catalogConditions.isEntityKind({ kinds: ['component'] }));
 * ```
 */
export function createCatalogConditionalDecision(conditions: PermissionCriteria<PermissionCondition>): PolicyDecision {
  return { result: 'CONDITIONAL', resourceType: CATALOG_ENTITY_RESOURCE_TYPE, conditions };
}

/**
 * Translate conditions on entities into the catalog's filter tree; unknown rules or bad params
 * throw `PermissionRuleError`.
 *
 * @example
 * ```ts
 * entityConditionsToFilter(catalogConditions.isEntityKind({ kinds: ['API'] })); // { key: 'kind', values: ['api'] }
 * ```
 */
export function entityConditionsToFilter(conditions: PermissionCriteria<PermissionCondition>): EntityFilter {
  return conditionsToQuery(conditions, catalogEntityPermissionRules, {
    allOf: (filters) => ({ allOf: filters }),
    anyOf: (filters) => ({ anyOf: filters }),
    not: (filter) => ({ not: filter }),
  });
}
