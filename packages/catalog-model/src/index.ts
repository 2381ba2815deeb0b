/*
 * @portalkit/catalog-model: the catalog entity model on its own, for every package that reads
 * entities, refs or catalog events without needing the catalog engine. Entity types and schemas,
 * the one entity-ref grammar, well-known annotations and relations, built-in kinds, the
 * validator, and the catalog's event topics. Imports only @portalkit/core and zod.
 * @portalkit/catalog re-exports all of it, so imports from there keep working.
 */
export {
  ANNOTATION_EDIT_URL,
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_ORPHAN,
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_TECHDOCS_REF,
  ANNOTATION_VIEW_URL,
  DEFAULT_NAMESPACE,
} from './constants.js';
export {
  entityLinkSchema,
  entityMetaSchema,
  entityRelationSchema,
  entitySchema,
  entityStatusItemSchema,
} from './entity.js';
export {
  CATALOG_TOPICS,
  catalogEntityDeletedEvent,
  catalogEntityUpsertedEvent,
  catalogEventSchemas,
  catalogProviderStateChangedEvent,
} from './events.js';
export type { CatalogEntityDeletedEvent, CatalogEntityUpsertedEvent, CatalogEvents, CatalogProviderStateChangedEvent } from './events.js';
export { entityProviderStateSchema, entityProviderStatusSchema } from './provider-status.js';
export type { EntityProviderState, EntityProviderStatus } from './provider-status.js';
export { defaultFieldValidators, isNonEmptyString, isValidUrl } from './fieldFormats.js';
export {
  apiKind,
  apiSpecSchema,
  builtinKinds,
  componentKind,
  componentSpecSchema,
  defineKind,
  KIND_DEFINITION_API_VERSION,
  compileSpecSchema,
  createKindDefinitionKind,
  declaredKindOf,
  jsonSchemaProblems,
  kindColumnSchema,
  kindDefinitionKind,
  kindRelationRuleSchema,
  domainKind,
  domainSpecSchema,
  groupKind,
  groupSpecSchema,
  locationKind,
  locationSpecSchema,
  resourceKind,
  resourceSpecSchema,
  systemKind,
  systemSpecSchema,
  templateKind,
  templateSpecSchema,
  templateStepSchema,
  userKind,
  userSpecSchema,
} from './kinds/index.js';
export type {
  ApiEntity,
  CompiledSpecSchema,
  DeclaredKind,
  KindColumn,
  KindDefinitionKindOptions,
  KindRelationRule,
  SchemaLimits,
  SchemaProblem,
  ComponentEntity,
  DomainEntity,
  GroupEntity,
  LocationEntity,
  ResourceEntity,
  SystemEntity,
  TemplateEntity,
  UserEntity,
} from './kinds/index.js';
export { entityRefEquals, getCompoundEntityRef, parseEntityRef, stringifyEntityRef } from './refs.js';
export type { EntityRefContext } from './refs.js';
export {
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_CHILD_OF,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_MEMBER,
  RELATION_HAS_PART,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PARENT_OF,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
} from './relations.js';
export type {
  CompoundEntityRef,
  Entity,
  EntityLink,
  EntityMeta,
  EntityPolicy,
  EntityRelation,
  EntityStatusItem,
  EntityValidationError,
  EntityValidator,
  EntityValidatorOptions,
  FieldValidators,
  KindDefinition,
  ValidationContext,
  ValidationResult,
} from './types.js';
export { createEntityValidator } from './validator.js';
export { entityMatchesFilter, matchesEntityFilter } from './entity-filter.js';
export type { EntitiesPrefixFilter, EntitiesSearchFilter, EntityFilter } from './entity-filter.js';
export { buildEntitySearch } from './search-rows.js';
export type { SearchRow } from './search-rows.js';
export {
  CATALOG_ENTITY_RESOURCE_TYPE,
  catalogConditions,
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityPermissionRules,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogEntityUpdatePermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  catalogLocationReadPermission,
  catalogPermissions,
  createCatalogConditionalDecision,
  entityConditionsToFilter,
  hasAnnotationRule,
  hasLabelRule,
  hasMetadataRule,
  hasSpecRule,
  isEntityKindRule,
  isEntityOwnerRule,
} from './permissions.js';
export { catalogServiceRef } from './catalog-service.js';
export type { CatalogService, CatalogServiceView } from './catalog-service.js';
export { entityUpdateResultSchema, entityUpdateSchema } from './entity-update.js';
export type { EntityUpdate, EntityUpdateResult } from './entity-update.js';
