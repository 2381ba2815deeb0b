import type { z } from 'zod';
import type {
  entityLinkSchema,
  entityMetaSchema,
  entityRelationSchema,
  entitySchema,
  entityStatusItemSchema,
} from './entity.js';

/**
 * A catalog entity: `apiVersion`, `kind`, `metadata`, optional `spec`, and on stitched entities
 * `relations` and `status`. Inferred from {@link entitySchema}.
 *
 * @example
 * ```ts
 * const entity: Entity = {
 *   apiVersion: 'backstage.io/v1alpha1',
 *   kind: 'Component',
 *   metadata: { name: 'petstore' },
 *   spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
 * };
 * ```
 */
export type Entity = z.infer<typeof entitySchema>;

/**
 * The `metadata` block of an entity.
 * @example
 * ```ts
 * const meta: EntityMeta = { name: 'petstore', namespace: 'default' };
 * ```
 */
export type EntityMeta = z.infer<typeof entityMetaSchema>;

/**
 * An entry of `metadata.links`.
 * @example
 * ```ts
 * const link: EntityLink = { url: 'https://example.com', title: 'Home' };
 * ```
 */
export type EntityLink = z.infer<typeof entityLinkSchema>;

/**
 * An entry of `relations` on a stitched entity.
 * @example
 * ```ts
 * const rel: EntityRelation = { type: 'ownedBy', targetRef: 'group:default/team-a' };
 * ```
 */
export type EntityRelation = z.infer<typeof entityRelationSchema>;

/**
 * An entry of `status.items` on a stitched entity.
 * @example
 * ```ts
 * const item: EntityStatusItem = { type: 'backstage.io/catalog-processing', level: 'error', message: 'x' };
 * ```
 */
export type EntityStatusItem = z.infer<typeof entityStatusItemSchema>;

/**
 * The three parts that identify an entity. `kind` keeps the case it was written in.
 *
 * @example
 * ```ts
 * const ref: CompoundEntityRef = { kind: 'Component', namespace: 'default', name: 'petstore' };
 * ```
 */
export interface CompoundEntityRef {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Describes one entity kind: which `apiVersion`s it accepts and the zod schema its `spec` (or,
 * with `schemaTarget: 'entity'`, the whole entity) must satisfy. Create it with `defineKind`.
 *
 * @example
 * ```ts
 * const widgetKind: KindDefinition = defineKind({
 *   kind: 'Widget',
 *   apiVersions: ['example.com/v1'],
 *   schema: z.looseObject({ owner: z.string().min(1) }),
 * });
 * ```
 */
export interface KindDefinition {
  /** The exact, case-sensitive `kind` value, e.g. `Component`. */
  kind: string;
  /** Every accepted `apiVersion`, e.g. `['backstage.io/v1alpha1', 'backstage.io/v1beta1']`. */
  apiVersions: readonly string[];
  /** Schema for `spec` (default) or for the whole entity, see `schemaTarget`. */
  schema: z.ZodType;
  /**
   * What `schema` validates. `'spec'` (default) passes `entity.spec` (which may be `undefined`,
   * so a schema that is not `.optional()` makes `spec` required, as all built-in kinds do);
   * `'entity'` passes the whole entity and reports paths from the root.
   */
  schemaTarget?: 'spec' | 'entity';
  /** A sentence for docs and tooling. */
  description?: string;
}

/**
 * A custom rule run after the built-in checks pass, like Backstage's `EntityPolicy`. Return the
 * (possibly changed) entity; throw (preferably an `InputError`) to reject it. A policy that
 * returns a promise needs `validateAsync`.
 *
 * @example
 * ```ts
 * const requireDescription: EntityPolicy = {
 *   name: 'require-description',
 *   enforce(entity) {
 *     if (!entity.metadata.description) throw new InputError('metadata.description is required');
 *     return entity;
 *   },
 * };
 * ```
 */
export interface EntityPolicy {
  /** Used as the error rule (`policy:<name>`); defaults to `policy`. */
  name?: string;
  /** Optional path named in the error when the policy rejects, e.g. `metadata.description`. */
  path?: string;
  enforce(entity: Entity): Entity | undefined | Promise<Entity | undefined>;
}

/**
 * Where the validated value came from; used to name `file:line` in errors.
 *
 * @example
 * ```ts
 * validator.validate(doc.value, { file: 'catalog-info.yaml', yamlText: text, documentLine: doc.line });
 * ```
 */
export interface ValidationContext {
  /** File name shown in errors. */
  file?: string;
  /** The YAML text the entity was parsed from (the whole file); enables per-field lines. */
  yamlText?: string;
  /** 1-based line where this entity's YAML document starts in `yamlText` (default 1). */
  documentLine?: number;
}

/**
 * One problem found in an entity.
 *
 * @example
 * ```ts
 * const err: EntityValidationError = {
 *   ref: 'component:default/petstore',
 *   path: 'spec.owner',
 *   rule: 'required',
 *   message: 'catalog-info.yaml:4: component:default/petstore: spec.owner is required [required]',
 *   file: 'catalog-info.yaml',
 *   line: 4,
 * };
 * ```
 */
export interface EntityValidationError {
  /** `kind:namespace/name` when the entity has a string kind and name. */
  ref?: string;
  /** Dotted path, with `[i]` for array items and `["key"]` for keys that are not identifiers. */
  path: string;
  /** Stable rule id, e.g. `required`, `type`, `name-format`, `unknown-kind`, `policy:<name>`. */
  rule: string;
  /** Human text naming file:line (when known), ref, path and rule. */
  message: string;
  file?: string;
  line?: number;
}

/**
 * The outcome of validating one entity: the entity (with `metadata.namespace` defaulted) or
 * every error found.
 *
 * @example
 * ```ts
 * const result: ValidationResult = validator.validate(raw);
 * if (!result.ok) for (const e of result.errors) console.error(e.message);
 * ```
 */
export type ValidationResult =
  | { ok: true; entity: Entity }
  | { ok: false; errors: EntityValidationError[] };

/**
 * Predicates for the format of entity fields. Override any of them through
 * `createEntityValidator({ fieldValidators })`, like Backstage's `makeValidator(overrides)`.
 *
 * @example
 * ```ts
 * const validator = createEntityValidator({
 *   fieldValidators: { isValidTag: (v) => typeof v === 'string' && v.length > 0 },
 * });
 * ```
 */
export interface FieldValidators {
  isValidApiVersion(value: unknown): boolean;
  isValidKind(value: unknown): boolean;
  isValidEntityName(value: unknown): boolean;
  isValidNamespace(value: unknown): boolean;
  isValidLabelKey(value: unknown): boolean;
  isValidLabelValue(value: unknown): boolean;
  isValidAnnotationKey(value: unknown): boolean;
  isValidAnnotationValue(value: unknown): boolean;
  isValidTag(value: unknown): boolean;
}

/**
 * Options of `createEntityValidator`.
 *
 * @example
 * ```ts
 * const options: EntityValidatorOptions = { kinds: [...builtinKinds, widgetKind] };
 * ```
 */
export interface EntityValidatorOptions {
  /** Kinds to accept. Default: `builtinKinds`. Pass `[...builtinKinds, myKind]` to extend. */
  kinds?: readonly KindDefinition[];
  /** Custom rules run, in order, after the built-in checks pass. */
  policies?: readonly EntityPolicy[];
  /** Accept kinds (or kind/apiVersion pairs) that no definition covers. Default false. */
  allowUnknownKinds?: boolean;
  /** Namespace set on entities that have none. Default `default`. */
  defaultNamespace?: string;
  /**
   * Root fields an entity may have. Default `['apiVersion', 'kind', 'metadata', 'spec']`, like
   * Backstage's `NoForeignRootFieldsEntityPolicy` for ingested entities; add `relations` and
   * `status` to validate stitched entities.
   */
  rootFields?: readonly string[];
  /** Overrides for the field format predicates. */
  fieldValidators?: Partial<FieldValidators>;
}

/**
 * A prepared validator; create once, call `validate` for each entity.
 *
 * @example
 * ```ts
 * const validator: EntityValidator = createEntityValidator();
 * const result = validator.validate(raw, { file: 'catalog-info.yaml' });
 * ```
 */
export interface EntityValidator {
  /** Validate synchronously. Policies returning a promise are reported as errors; use `validateAsync`. */
  validate(entity: unknown, context?: ValidationContext): ValidationResult;
  /** Like `validate`, but awaits asynchronous policies. */
  validateAsync(entity: unknown, context?: ValidationContext): Promise<ValidationResult>;
  /** The kinds this validator accepts. */
  readonly kinds: readonly KindDefinition[];
}
