import { InputError } from '@portalkit/core';
import { DEFAULT_NAMESPACE } from './constants.js';
import { entitySchema } from './entity.js';
import { compileFastCheck } from './fastCheck.js';
import { defaultFieldValidators } from './fieldFormats.js';
import { builtinKinds } from './kinds/index.js';
import { defineKind } from './kinds/defineKind.js';
import { checkFormat, checkMetadata } from './validation/envelope.js';
import { describe, isObject, show, zodIssues } from './validation/issues.js';
import type { Issue, PlainObject } from './validation/issues.js';
import { reportIssues } from './validation/report.js';
import type {
  Entity,
  EntityPolicy,
  EntityValidator,
  EntityValidatorOptions,
  FieldValidators,
  KindDefinition,
  ValidationContext,
  ValidationResult,
} from './types.js';

/*
 * One pass over the entity: the root fields (NoForeignRootFieldsEntityPolicy), the envelope
 * (validation/envelope.ts), then the kind's zod schema on `spec` (Backstage's per-kind JSON
 * schemas), then custom policies. Unlike Backstage, which stops at the first failing policy,
 * every problem is collected. Messages, lines and refs are only built when something failed
 * (validation/report.ts), so the valid-entity path allocates almost nothing.
 */

interface PreparedKind {
  definition: KindDefinition;
  /** Boolean twin of the schema; undefined when the schema is outside the compiled subset. */
  fastCheck: ((value: unknown) => boolean) | undefined;
}

const defaultRootFields = ['apiVersion', 'kind', 'metadata', 'spec'];
const statusSchema = entitySchema.shape.status;
const relationsSchema = entitySchema.shape.relations;

/**
 * Create an entity validator with Backstage's exact acceptance rules: the envelope schema, the
 * root-field, namespace and field-format policies, and the kind's schema. Prepare it once and
 * reuse it; every call reports all problems of one entity.
 *
 * @example
 * ```ts
 * const validator = createEntityValidator();
 * const result = validator.validate(
 *   { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'petstore' }, spec: { type: 'service' } },
 *   { file: 'catalog-info.yaml' },
 * );
 * if (!result.ok) {
 *   // spec.lifecycle is required [required], spec.owner is required [required]
 *   for (const error of result.errors) console.error(error.message);
 * }
 * ```
 */
export function createEntityValidator(options: EntityValidatorOptions = {}): EntityValidator {
  const kinds = (options.kinds ?? builtinKinds).map((kind) => defineKind(kind));
  const { byKindAndVersion, versionsByKind } = prepareKinds(kinds);
  const rootFields = new Set(options.rootFields ?? defaultRootFields);
  const fields: FieldValidators = { ...defaultFieldValidators, ...options.fieldValidators };
  // Entities using a registered kind/apiVersion pair can skip their format checks, unless the
  // caller replaced those predicates.
  const trustRegisteredPairs =
    options.fieldValidators?.isValidApiVersion === undefined && options.fieldValidators?.isValidKind === undefined;
  const policies: readonly EntityPolicy[] = options.policies ?? [];
  const allowUnknownKinds = options.allowUnknownKinds ?? false;
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  if (!defaultFieldValidators.isValidNamespace(defaultNamespace)) {
    throw new InputError(`Cannot create entity validator: defaultNamespace ${JSON.stringify(defaultNamespace)} is not a valid namespace`);
  }

  function checkKind(
    entity: PlainObject,
    apiVersion: string,
    kind: string,
    prepared: PreparedKind | undefined,
    issues: Issue[],
  ): void {
    if (prepared === undefined) {
      if (allowUnknownKinds) return;
      const versions = versionsByKind.get(kind);
      if (versions) {
        issues.push({
          path: ['apiVersion'],
          rule: 'unknown-api-version',
          detail: `${show(apiVersion)} is not supported for kind ${kind}, expected one of ${versions.join(', ')}`,
        });
      } else {
        issues.push({
          path: ['kind'],
          rule: 'unknown-kind',
          detail: `${show(kind)} (apiVersion ${apiVersion}) is not a known kind; known kinds: ${[...versionsByKind.keys()].join(', ')}`,
        });
      }
      return;
    }
    const { definition, fastCheck } = prepared;
    if (definition.schemaTarget === 'entity') {
      if (fastCheck?.(entity)) return;
      const parsed = definition.schema.safeParse(entity);
      if (!parsed.success) zodIssues(parsed.error, entity, [], issues);
      return;
    }
    const spec = entity['spec'];
    // A non-object spec was already reported by the envelope check.
    if (spec !== undefined && !isObject(spec)) return;
    if (fastCheck?.(spec)) return;
    const parsed = definition.schema.safeParse(spec);
    if (!parsed.success) zodIssues(parsed.error, spec, ['spec'], issues);
  }

  function collect(input: unknown): Issue[] {
    const issues: Issue[] = [];
    if (!isObject(input)) {
      issues.push({ path: [], rule: 'type', detail: `entity must be an object, got ${describe(input)}` });
      return issues;
    }
    for (const key in input) {
      if (Object.hasOwn(input, key) && !rootFields.has(key)) {
        issues.push({ path: [key], rule: 'unknown-field', detail: 'is not an allowed root field' });
      }
    }
    if (hasProtoKey(input, 0)) findProtoKeys(input, [], issues);
    const { apiVersion, kind, metadata, spec } = input;
    const prepared =
      typeof apiVersion === 'string' && typeof kind === 'string'
        ? byKindAndVersion.get(`${kind}\n${apiVersion}`)
        : undefined;
    // A registered pair passed defineKind's format checks already.
    const trusted = prepared !== undefined && trustRegisteredPairs;
    const validApiVersion =
      trusted || checkFormat(apiVersion, ['apiVersion'], 'api-version-format', 'isValidApiVersion', fields, issues);
    const validKind = trusted || checkFormat(kind, ['kind'], 'kind-format', 'isValidKind', fields, issues);
    if (metadata === undefined) issues.push({ path: ['metadata'], rule: 'required', detail: 'is required' });
    else if (!isObject(metadata)) {
      issues.push({ path: ['metadata'], rule: 'type', detail: `must be object, got ${describe(metadata)}` });
    } else checkMetadata(metadata, fields, issues);
    if (spec !== undefined && !isObject(spec)) {
      issues.push({ path: ['spec'], rule: 'type', detail: `must be object, got ${describe(spec)}` });
    }
    if (input['relations'] !== undefined && rootFields.has('relations')) {
      const parsed = relationsSchema.safeParse(input['relations']);
      if (!parsed.success) zodIssues(parsed.error, input['relations'], ['relations'], issues);
    }
    if (input['status'] !== undefined && rootFields.has('status')) {
      const parsed = statusSchema.safeParse(input['status']);
      if (!parsed.success) zodIssues(parsed.error, input['status'], ['status'], issues);
    }
    if (validApiVersion && validKind) checkKind(input, apiVersion as string, kind as string, prepared, issues);
    return issues;
  }

  function withNamespace(input: PlainObject): Entity {
    const entity = input as Entity;
    if (entity.metadata.namespace) return entity;
    return { ...entity, metadata: { ...entity.metadata, namespace: defaultNamespace } };
  }

  function fail(input: unknown, issues: Issue[], context: ValidationContext | undefined): ValidationResult {
    return { ok: false, errors: reportIssues(input, issues, context, defaultNamespace) };
  }

  return {
    kinds,
    validate(input, context) {
      const issues = collect(input);
      if (issues.length > 0) return fail(input, issues, context);
      let entity = withNamespace(input as PlainObject);
      for (const policy of policies) {
        try {
          const output = policy.enforce(entity);
          if (isThenable(output)) {
            // Swallow the eventual rejection: this call has already reported the problem.
            Promise.resolve(output).catch(() => undefined);
            return fail(input, [policyIssue(policy, 'returned a promise; use validateAsync for asynchronous policies')], context);
          }
          if (output) entity = output;
        } catch (error) {
          return fail(input, [policyIssue(policy, errorText(error))], context);
        }
      }
      return { ok: true, entity };
    },
    async validateAsync(input, context) {
      const issues = collect(input);
      if (issues.length > 0) return fail(input, issues, context);
      let entity = withNamespace(input as PlainObject);
      for (const policy of policies) {
        try {
          const output = await policy.enforce(entity);
          if (output) entity = output;
        } catch (error) {
          return fail(input, [policyIssue(policy, errorText(error))], context);
        }
      }
      return { ok: true, entity };
    },
  };
}

/** Index the kinds by kind and apiVersion; a pair defined twice is refused. */
function prepareKinds(kinds: readonly KindDefinition[]) {
  const byKindAndVersion = new Map<string, PreparedKind>();
  const versionsByKind = new Map<string, string[]>();
  for (const kind of kinds) {
    const prepared: PreparedKind = { definition: kind, fastCheck: compileFastCheck(kind.schema) };
    for (const apiVersion of kind.apiVersions) {
      const key = `${kind.kind}\n${apiVersion}`;
      if (byKindAndVersion.has(key)) {
        throw new InputError(`Cannot create entity validator: kind ${kind.kind} with apiVersion ${apiVersion} is defined twice`);
      }
      byKindAndVersion.set(key, prepared);
      const versions = versionsByKind.get(kind.kind) ?? [];
      versions.push(apiVersion);
      versionsByKind.set(kind.kind, versions);
    }
  }
  return { byKindAndVersion, versionsByKind };
}

function policyIssue(policy: EntityPolicy, detail: string): Issue {
  return {
    path: policy.path ? policy.path.split('.') : [],
    rule: policy.name ? `policy:${policy.name}` : 'policy',
    detail,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Allocation-free check first: valid entities never pay for building paths. */
function hasProtoKey(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object' || depth > 256) return false;
  if (Object.hasOwn(value, '__proto__')) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (hasProtoKey(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && hasProtoKey((value as PlainObject)[key], depth + 1)) return true;
  }
  return false;
}

/**
 * Report every own `__proto__` key. JSON and YAML parsers keep it as plain data, but any consumer
 * copying the entity with assignment (`Object.assign`, a naive deep merge) would turn it into a
 * prototype swap, so no entity may carry one.
 */
function findProtoKeys(value: unknown, path: Array<string | number>, issues: Issue[], depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 256) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) findProtoKeys(value[i], [...path, i], issues, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') {
      issues.push({ path: [...path, key], rule: 'forbidden-key', detail: 'the key "__proto__" is not allowed in entities' });
    } else findProtoKeys((value as PlainObject)[key], [...path, key], issues, depth + 1);
  }
}
