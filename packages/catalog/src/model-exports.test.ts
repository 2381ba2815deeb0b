import * as model from '@portalkit/catalog-model';
import * as catalog from '@portalkit/catalog';
// Every type users imported from @portalkit/catalog before the model moved; this file only
// compiles (in the repo typecheck) while they are all still exported from there.
import type {
  ApiEntity,
  CatalogEvents,
  ComponentEntity,
  CompoundEntityRef,
  DomainEntity,
  Entity,
  EntityLink,
  EntityMeta,
  EntityPolicy,
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
} from '@portalkit/catalog';
import { describe, expect, test } from 'vitest';

// Values users imported from @portalkit/catalog before the entity model moved to
// @portalkit/catalog-model (the list of the old `export { … } from './model/index.js'`).
const movedValues = [
  'ANNOTATION_EDIT_URL', 'ANNOTATION_LOCATION', 'ANNOTATION_ORIGIN_LOCATION', 'ANNOTATION_ORPHAN',
  'ANNOTATION_SOURCE_LOCATION', 'ANNOTATION_TECHDOCS_REF', 'ANNOTATION_VIEW_URL', 'DEFAULT_NAMESPACE',
  'RELATION_API_CONSUMED_BY', 'RELATION_API_PROVIDED_BY', 'RELATION_CHILD_OF', 'RELATION_CONSUMES_API',
  'RELATION_DEPENDENCY_OF', 'RELATION_DEPENDS_ON', 'RELATION_HAS_MEMBER', 'RELATION_HAS_PART',
  'RELATION_MEMBER_OF', 'RELATION_OWNED_BY', 'RELATION_OWNER_OF', 'RELATION_PARENT_OF', 'RELATION_PART_OF',
  'RELATION_PROVIDES_API', 'apiKind', 'apiSpecSchema', 'builtinKinds', 'componentKind', 'componentSpecSchema',
  'createEntityValidator', 'defaultFieldValidators', 'defineKind', 'domainKind', 'domainSpecSchema',
  'entityLinkSchema', 'entityMetaSchema', 'entityRefEquals', 'entityRelationSchema', 'entitySchema',
  'entityStatusItemSchema', 'getCompoundEntityRef', 'groupKind', 'groupSpecSchema', 'isNonEmptyString',
  'isValidUrl', 'locationKind', 'locationSpecSchema', 'parseEntityRef', 'resourceKind', 'resourceSpecSchema',
  'stringifyEntityRef', 'systemKind', 'systemSpecSchema', 'templateKind', 'templateSpecSchema',
  'templateStepSchema', 'userKind', 'userSpecSchema',
] as const;

// Added with the move: the catalog's event topics, owned by catalog-model and re-exported here.
const topicValues = ['CATALOG_TOPICS', 'catalogEntityDeletedEvent', 'catalogEntityUpsertedEvent', 'catalogEventSchemas'] as const;

// Referenced so each import above must resolve (exported so the linter counts it as used).
export type OldTypes = [
  ApiEntity, CatalogEvents, ComponentEntity, CompoundEntityRef, DomainEntity, Entity, EntityLink, EntityMeta,
  EntityPolicy, EntityRefContext, EntityRelation, EntityStatusItem, EntityValidationError, EntityValidator,
  EntityValidatorOptions, FieldValidators, GroupEntity, KindDefinition, LocationEntity, ResourceEntity,
  SystemEntity, TemplateEntity, UserEntity, ValidationContext, ValidationResult,
];

describe('@portalkit/catalog keeps exporting the entity model', () => {
  test.each([...movedValues, ...topicValues])('%s is the very object @portalkit/catalog-model exports', (name) => {
    expect(model[name]).toBeDefined();
    expect(catalog[name]).toBe(model[name]);
  });

  test('the old type names still describe the model’s types', () => {
    const entity: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a' } };
    const same: model.Entity = entity;
    const event: CatalogEvents['catalog.entity.deleted'] = { entityRef: 'component:default/a', entityId: 'u', entity: same };
    expect(catalog.catalogEntityDeletedEvent.parse(event).entityRef).toBe('component:default/a');
  });
});
