/*
 * @portalkit/catalog: the Backstage-compatible software catalog as a library.
 *
 * The entity model (types, schemas, refs, kinds, validator, event topics) lives in
 * @portalkit/catalog-model; it is re-exported here so imports from this package keep working.
 */
export {
  ANNOTATION_EDIT_URL,
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_ORPHAN,
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_TECHDOCS_REF,
  ANNOTATION_VIEW_URL,
  CATALOG_TOPICS,
  DEFAULT_NAMESPACE,
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
  apiKind,
  apiSpecSchema,
  builtinKinds,
  catalogEntityDeletedEvent,
  catalogEntityUpsertedEvent,
  catalogEventSchemas,
  catalogProviderStateChangedEvent,
  componentKind,
  componentSpecSchema,
  createEntityValidator,
  defaultFieldValidators,
  defineKind,
  domainKind,
  domainSpecSchema,
  entityLinkSchema,
  entityMetaSchema,
  entityProviderStateSchema,
  entityProviderStatusSchema,
  entityRefEquals,
  entityRelationSchema,
  entitySchema,
  entityStatusItemSchema,
  getCompoundEntityRef,
  groupKind,
  groupSpecSchema,
  isNonEmptyString,
  isValidUrl,
  locationKind,
  locationSpecSchema,
  parseEntityRef,
  resourceKind,
  resourceSpecSchema,
  stringifyEntityRef,
  systemKind,
  systemSpecSchema,
  templateKind,
  templateSpecSchema,
  templateStepSchema,
  userKind,
  userSpecSchema,
} from '@portalkit/catalog-model';
export type {
  ApiEntity,
  CatalogEntityDeletedEvent,
  CatalogEntityUpsertedEvent,
  CatalogEvents,
  CatalogProviderStateChangedEvent,
  ComponentEntity,
  CompoundEntityRef,
  DomainEntity,
  Entity,
  EntityLink,
  EntityMeta,
  EntityPolicy,
  EntityProviderState,
  EntityProviderStatus,
  EntityRefContext,
  EntityRelation,
  EntityStatusItem,
  EntityValidationError,
  EntityValidator,
  EntityValidatorOptions,
  FieldValidators,
  GroupEntity,
  KindDefinition,
  LocationEntity,
  ResourceEntity,
  SystemEntity,
  TemplateEntity,
  UserEntity,
  ValidationContext,
  ValidationResult,
} from '@portalkit/catalog-model';

export { createCatalog } from './create-catalog.js';
export { editEntityInYaml } from './write-back/yaml-entity-edit.js';
export type { EntityIdentity } from './write-back/yaml-entity-edit.js';
export { mergePatch } from './write-back/entity-patch.js';
export type { EntityPatch } from './write-back/entity-patch.js';
export { createGithubDiscoveryProvider } from './providers/github-discovery.js';
export type { GithubDiscoveryProvider, GithubDiscoveryProviderOptions } from './providers/github-discovery.js';
export { createGithubOrgProvider, GITHUB_TEAM_SLUG_ANNOTATION, GITHUB_USER_LOGIN_ANNOTATION } from './providers/github-org.js';
export type { GithubOrgProvider, GithubOrgProviderOptions } from './providers/github-org.js';
export type { GithubProviderSource } from './providers/github-shared.js';
export { DEFAULT_CATALOG_RULES, createCatalogRulesEnforcer } from './rules/index.js';
export type {
  CatalogRule,
  CatalogRuleAllow,
  CatalogRuleLocation,
  CatalogRulesEnforcer,
  CatalogRulesEnforcerOptions,
  ConfiguredLocation,
} from './rules/index.js';
export { createCatalogOwnershipResolver } from './ownership/index.js';
export type { CatalogOwnershipResolver, CatalogOwnershipResolverOptions } from './ownership/index.js';
export { catalogPlugin } from './plugin.js';
export { catalogConfigSchema } from './config/catalog-config.js';
export type { CatalogConfig } from './config/catalog-config.js';
export { durationConfigSchema, providerScheduleConfigSchema } from './config/schedule.js';
export type { ProviderSchedule } from './config/schedule.js';
export type { CatalogPluginOptions } from './plugin.js';
export type {
  AddLocationResult,
  Catalog,
  CatalogEventSink,
  CatalogLibrary,
  CatalogOptions,
  CatalogView,
  EntityAncestryResult,
  EntityFacetsResult,
  GetEntitiesRequest,
  GetEntitiesResult,
  Location,
  ProcessingErrorReport,
  QueryEntitiesRequest,
  QueryEntitiesResult,
  ValidateEntityResult,
} from './types.js';

export type { EmittedRelation, EntityProcessor, ErrorDetails, LocationSpec, ProcessorEmit } from './processing/processor.js';
export type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
  EntityProviderSchedule,
} from './processing/provider.js';
export type { ProviderRetryOptions } from './providers/retry-policy.js';
export {
  createLdapOrgProvider,
  LDAP_DN_ANNOTATION,
  LDAP_RDN_ANNOTATION,
  LDAP_UUID_ANNOTATION,
  ldapOrgProviderConfigSchema,
  readLdapOrg,
} from './providers/ldap/index.js';
export type {
  LdapEntry,
  LdapOrgProvider,
  LdapOrgProviderConfig,
  LdapOrgProviderOptions,
  LdapSearch,
  ParsedLdapOrgProviderConfig,
} from './providers/ldap/index.js';
export { createGitlabDiscoveryProvider, gitlabDiscoveryConfigSchema } from './providers/gitlab-discovery.js';
export type { GitlabDiscoveryConfig, GitlabDiscoveryProvider, GitlabDiscoveryProviderOptions } from './providers/gitlab-discovery.js';
export { builtinRelations } from './processing/builtin-relations.js';
export type { RefRelation } from './processing/builtin-relations.js';
export { ENTITY_STATUS_CATALOG_PROCESSING_TYPE, stitchEntity, uidForRef } from './processing/stitcher.js';
export type { StitchInput } from './processing/stitcher.js';

export { CATALOG_FILTER_EXISTS } from './query/types.js';
export type { EntitiesPrefixFilter, EntitiesSearchFilter, EntityFilter, EntityFilterQuery, EntityOrder, FullTextFilter } from './query/types.js';
export {
  matchesEntityFilter,
  parseEntityFilterQuery,
  parseEntityFilterStrings,
  parseFilterPredicate,
} from './query/filter.js';
export type { FilterPredicate } from './query/filter.js';
export { DEFAULT_LOCATIONS_LIMIT, queryLocationList, queryLocationsRequestSchema } from './query/locations.js';
export type { QueryLocationsRequest, QueryLocationsResult } from './query/locations.js';
export { buildEntitySearch } from './query/search.js';
export {
  assertFacetsQuery,
  assertFilterText,
  assertLocationText,
  assertLookupKeys,
  assertQueryText,
  assertStoreQuery,
  toStorableText,
} from './query/query-text.js';
export { MAX_ENTITY_REF_LENGTH, MAX_LOCATION_TARGET_LENGTH, assertEntityRefText, assertLocationTargetLength } from './stores/text-limits.js';
export type { SearchRow } from './query/search.js';
export { parseFieldsQuery, projectEntity } from './query/fields.js';
export { decodeCursor, encodeCursor } from './query/cursor.js';
export type { CursorState } from './query/cursor.js';
export { DEFAULT_GRAPH_RELATIONS, entityGraphRequestSchema } from './graph/entity-graph.js';
export type { EntityGraphRequest, EntityGraphResult } from './graph/entity-graph.js';
export { GRAPH_LIMITS } from './graph/graph-limits.js';
export type { StoreGraphQuery, StoreGraphResult } from './stores/graph-types.js';

export { createCatalogHandler } from './http/handler.js';
export { createCatalogWebhookHandler } from './webhooks/index.js';
export type { CatalogWebhookHandlerOptions, WebhookRefreshMatch } from './webhooks/index.js';
export type { CatalogHandlerOptions } from './http/options.js';
export type { CatalogAction, CatalogAuthorize, CatalogResource } from './http/authorize.js';
export { parseFilterParams } from './http/filters.js';
export { analyzeLocation } from './locations/analyze-location.js';
export type { AnalyzeLocationResult } from './types.js';

export { memoryStore } from './stores/memory.js';
export { pgliteStore } from './stores/pglite/index.js';
export type { PgliteStoreOptions } from './stores/pglite/index.js';
export { postgresStore } from './stores/postgres/index.js';
export type { PostgresStoreOptions } from './stores/postgres/index.js';
export type { SqlCatalogStore } from './stores/sql/index.js';
// The SQL plumbing (client contract, migrator, pool and PGlite clients) lives in
// @portalkit/sql. Only the two helpers docs/storage.md documented stay, as deprecated aliases.
export { lockDataDir, openPglite } from './stores/pglite/deprecated.js';
export type {
  CatalogStore,
  CatalogStoreTransaction,
  FinalEntityRow,
  ProcessingError,
  ProcessingLeases,
  RefreshClaim,
  RefreshState,
  RefreshStateSelector,
  StoreEntityPage,
  StoreEntityQuery,
  StoreOrder,
  StoredLocation,
  StoredRelation,
} from './stores/types.js';
