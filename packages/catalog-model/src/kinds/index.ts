import type { KindDefinition } from '../types.js';
import { apiKind } from './api.js';
import { componentKind } from './component.js';
import { domainKind } from './domain.js';
import { groupKind } from './group.js';
import { locationKind } from './location.js';
import { resourceKind } from './resource.js';
import { systemKind } from './system.js';
import { templateKind } from './template.js';
import { userKind } from './user.js';

export { apiKind, apiSpecSchema } from './api.js';
export type { ApiEntity } from './api.js';
export { componentKind, componentSpecSchema } from './component.js';
export type { ComponentEntity } from './component.js';
export { defineKind } from './defineKind.js';
export { domainKind, domainSpecSchema } from './domain.js';
export type { DomainEntity } from './domain.js';
export { groupKind, groupSpecSchema } from './group.js';
export type { GroupEntity } from './group.js';
export { locationKind, locationSpecSchema } from './location.js';
export type { LocationEntity } from './location.js';
export { resourceKind, resourceSpecSchema } from './resource.js';
export type { ResourceEntity } from './resource.js';
export { systemKind, systemSpecSchema } from './system.js';
export type { SystemEntity } from './system.js';
export { templateKind, templateSpecSchema, templateStepSchema } from './template.js';
export type { TemplateEntity } from './template.js';
export { userKind, userSpecSchema } from './user.js';
export type { UserEntity } from './user.js';

/**
 * Every built-in kind: Component, API, Resource, System, Domain, Group, User, Location
 * (`backstage.io/v1alpha1` and `v1beta1`) and Template (`scaffolder.backstage.io/v1beta3`).
 *
 * @example
 * ```ts
 * const validator = createEntityValidator({ kinds: [...builtinKinds, widgetKind] });
 * ```
 */
export const builtinKinds: readonly KindDefinition[] = Object.freeze([
  componentKind,
  apiKind,
  resourceKind,
  systemKind,
  domainKind,
  groupKind,
  userKind,
  locationKind,
  templateKind,
]);
export {
  KIND_DEFINITION_API_VERSION,
  createKindDefinitionKind,
  declaredKindOf,
  kindColumnSchema,
  kindDefinitionKind,
  kindRelationRuleSchema,
} from './declared/kind-definition.js';
export type { DeclaredKind, KindColumn, KindDefinitionKindOptions, KindRelationRule } from './declared/kind-definition.js';
export { compileSpecSchema } from './declared/json-schema-spec.js';
export type { CompiledSpecSchema } from './declared/json-schema-spec.js';
export { jsonSchemaProblems } from './declared/schema-guard.js';
export type { SchemaLimits, SchemaProblem } from './declared/schema-guard.js';
