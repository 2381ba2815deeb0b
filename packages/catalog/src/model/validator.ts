import { InputError, locateYamlPath } from '@portalkit/core';
import type { z } from 'zod';
import { DEFAULT_NAMESPACE } from './constants.js';
import { entityRelationSchema, entitySchema } from './entity.js';
import { compileFastCheck } from './fastCheck.js';
import { defaultFieldValidators, fieldExpectations, isNonEmptyString, isValidUrl } from './fieldFormats.js';
import { builtinKinds } from './kinds/index.js';
import { defineKind } from './kinds/defineKind.js';
import type {
  Entity,
  EntityPolicy,
  EntityValidationError,
  EntityValidator,
  EntityValidatorOptions,
  FieldValidators,
  KindDefinition,
  ValidationContext,
  ValidationResult,
} from './types.js';

/*
 * One pass over the entity with plain checks for the envelope (Backstage's SchemaValidEntityPolicy,
 * NoForeignRootFieldsEntityPolicy and FieldFormatEntityPolicy), then the kind's zod schema on
 * `spec` (Backstage's per-kind JSON schemas). Unlike Backstage, which stops at the first failing
 * policy, every problem is collected. Messages, lines and refs are only built when something
 * failed, so the valid-entity path allocates almost nothing.
 */

type Segment = string | number;

interface Issue {
  path: Segment[];
  rule: string;
  detail: string;
}

type PlainObject = Record<string, unknown>;

interface PreparedKind {
  definition: KindDefinition;
  /** Boolean twin of the schema; undefined when the schema is outside the compiled subset. */
  fastCheck: ((value: unknown) => boolean) | undefined;
}

const defaultRootFields = ['apiVersion', 'kind', 'metadata', 'spec'];
const statusSchema = entitySchema.shape.status;
const relationsSchema = entitySchema.shape.relations;

function isObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const identifier = /^[A-Za-z_$][\w$]*$/;

function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (identifier.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function zodIssues(error: z.ZodError, root: unknown, prefix: readonly Segment[], out: Issue[]): void {
  for (const issue of error.issues) {
    const rel = issue.path as PropertyKey[];
    const path = [...prefix, ...rel.map((s) => (typeof s === 'symbol' ? String(s) : s))];
    switch (issue.code) {
      case 'invalid_type': {
        const value = valueAt(root, rel);
        if (value === undefined) out.push({ path, rule: 'required', detail: 'is required' });
        else out.push({ path, rule: 'type', detail: `must be ${issue.expected}, got ${describe(value)}` });
        break;
      }
      case 'too_small':
        if (issue.origin === 'string' && Number(issue.minimum) === 1) {
          out.push({ path, rule: 'non-empty', detail: 'must not be empty' });
        } else {
          out.push({ path, rule: 'min', detail: issue.message });
        }
        break;
      case 'too_big':
        out.push({ path, rule: 'max', detail: issue.message });
        break;
      case 'invalid_value':
        out.push({
          path,
          rule: 'enum',
          detail: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${show(valueAt(root, rel))}`,
        });
        break;
      case 'invalid_union':
        out.push({ path, rule: 'type', detail: `does not match any allowed shape (${describe(valueAt(root, rel))} given)` });
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ path: [...path, key], rule: 'unknown-field', detail: 'is not allowed' });
        break;
      case 'invalid_format':
        out.push({ path, rule: 'format', detail: issue.message });
        break;
      case 'custom': {
        const rule = issue.params?.['rule'];
        out.push({ path, rule: typeof rule === 'string' ? rule : 'custom', detail: issue.message });
        break;
      }
      default:
        out.push({ path, rule: issue.code, detail: issue.message });
    }
  }
}

function formatIssue(
  path: Segment[],
  rule: string,
  value: unknown,
  predicate: keyof typeof fieldExpectations,
): Issue {
  return { path, rule, detail: `${show(value)} is not valid, expected ${fieldExpectations[predicate]}` };
}

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

  function checkMetadata(metadata: PlainObject, issues: Issue[]): void {
    const { name, namespace, labels, annotations, tags, links } = metadata;
    if (name === undefined) issues.push({ path: ['metadata', 'name'], rule: 'required', detail: 'is required' });
    else if (typeof name !== 'string') {
      issues.push({ path: ['metadata', 'name'], rule: 'type', detail: `must be string, got ${describe(name)}` });
    } else if (!fields.isValidEntityName(name)) {
      issues.push(formatIssue(['metadata', 'name'], 'name-format', name, 'isValidEntityName'));
    }
    if (namespace !== undefined) {
      if (typeof namespace !== 'string') {
        issues.push({ path: ['metadata', 'namespace'], rule: 'type', detail: `must be string, got ${describe(namespace)}` });
      } else if (!fields.isValidNamespace(namespace)) {
        issues.push(formatIssue(['metadata', 'namespace'], 'namespace-format', namespace, 'isValidNamespace'));
      }
    }
    for (const key of ['uid', 'etag', 'title'] as const) {
      const value = metadata[key];
      if (value === undefined) continue;
      if (typeof value !== 'string') {
        issues.push({ path: ['metadata', key], rule: 'type', detail: `must be string, got ${describe(value)}` });
      } else if (value.length === 0) {
        issues.push({ path: ['metadata', key], rule: 'non-empty', detail: 'must not be empty' });
      }
    }
    const description = metadata['description'];
    if (description !== undefined && typeof description !== 'string') {
      issues.push({ path: ['metadata', 'description'], rule: 'type', detail: `must be string, got ${describe(description)}` });
    }
    if (labels !== undefined) checkStringMap('labels', labels, issues);
    if (annotations !== undefined) checkStringMap('annotations', annotations, issues);
    if (tags !== undefined) {
      if (!Array.isArray(tags)) {
        issues.push({ path: ['metadata', 'tags'], rule: 'type', detail: `must be array, got ${describe(tags)}` });
      } else {
        for (let i = 0; i < tags.length; i++) {
          const tag: unknown = tags[i];
          if (typeof tag !== 'string') {
            issues.push({ path: ['metadata', 'tags', i], rule: 'type', detail: `must be string, got ${describe(tag)}` });
          } else if (!fields.isValidTag(tag)) {
            issues.push(formatIssue(['metadata', 'tags', i], 'tag-format', tag, 'isValidTag'));
          }
        }
      }
    }
    if (links !== undefined) checkLinks(links, issues);
  }

  function checkStringMap(field: 'labels' | 'annotations', map: unknown, issues: Issue[]): void {
    if (!isObject(map)) {
      issues.push({ path: ['metadata', field], rule: 'type', detail: `must be object, got ${describe(map)}` });
      return;
    }
    const isLabels = field === 'labels';
    const keyRule = isLabels ? 'label-key-format' : 'annotation-key-format';
    for (const key in map) {
      if (!Object.hasOwn(map, key)) continue;
      const value = map[key];
      if (!(isLabels ? fields.isValidLabelKey(key) : fields.isValidAnnotationKey(key))) {
        issues.push({
          path: ['metadata', field, key],
          rule: keyRule,
          detail: `key ${show(key)} is not valid, expected ${fieldExpectations[isLabels ? 'isValidLabelKey' : 'isValidAnnotationKey']}`,
        });
      }
      if (typeof value !== 'string') {
        issues.push({ path: ['metadata', field, key], rule: 'type', detail: `must be string, got ${describe(value)}` });
      } else if (isLabels ? !fields.isValidLabelValue(value) : !fields.isValidAnnotationValue(value)) {
        issues.push(
          formatIssue(
            ['metadata', field, key],
            isLabels ? 'label-value-format' : 'annotation-value-format',
            value,
            isLabels ? 'isValidLabelValue' : 'isValidAnnotationValue',
          ),
        );
      }
    }
  }

  function checkLinks(links: unknown, issues: Issue[]): void {
    if (!Array.isArray(links)) {
      issues.push({ path: ['metadata', 'links'], rule: 'type', detail: `must be array, got ${describe(links)}` });
      return;
    }
    for (let i = 0; i < links.length; i++) {
      const link: unknown = links[i];
      if (!isObject(link)) {
        issues.push({ path: ['metadata', 'links', i], rule: 'type', detail: `must be object, got ${describe(link)}` });
        continue;
      }
      const url = link['url'];
      if (url === undefined) issues.push({ path: ['metadata', 'links', i, 'url'], rule: 'required', detail: 'is required' });
      else if (typeof url !== 'string') {
        issues.push({ path: ['metadata', 'links', i, 'url'], rule: 'type', detail: `must be string, got ${describe(url)}` });
      } else if (!isValidUrl(url)) {
        issues.push(formatIssue(['metadata', 'links', i, 'url'], 'url-format', url, 'isValidUrl'));
      }
      for (const key of ['title', 'icon', 'type'] as const) {
        const value = link[key];
        if (value === undefined) continue;
        if (typeof value !== 'string') {
          issues.push({ path: ['metadata', 'links', i, key], rule: 'type', detail: `must be string, got ${describe(value)}` });
        } else if (key === 'type' ? value.length === 0 : !isNonEmptyString(value)) {
          // Backstage's FieldFormatEntityPolicy rejects whitespace-only titles and icons too.
          issues.push({ path: ['metadata', 'links', i, key], rule: 'non-empty', detail: 'must not be empty' });
        }
      }
    }
  }

  // Required string field in a given format; reports and returns false when it is not.
  function checkFormat(
    value: unknown,
    path: Segment[],
    rule: string,
    predicate: 'isValidApiVersion' | 'isValidKind',
    issues: Issue[],
  ): boolean {
    if (value === undefined) issues.push({ path, rule: 'required', detail: 'is required' });
    else if (typeof value !== 'string') issues.push({ path, rule: 'type', detail: `must be string, got ${describe(value)}` });
    else if (!fields[predicate](value)) issues.push(formatIssue(path, rule, value, predicate));
    else return true;
    return false;
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
    const { apiVersion, kind, metadata, spec } = input;
    const prepared =
      typeof apiVersion === 'string' && typeof kind === 'string'
        ? byKindAndVersion.get(`${kind}\n${apiVersion}`)
        : undefined;
    // A registered pair passed defineKind's format checks already.
    const trusted = prepared !== undefined && trustRegisteredPairs;
    const validApiVersion =
      trusted || checkFormat(apiVersion, ['apiVersion'], 'api-version-format', 'isValidApiVersion', issues);
    const validKind = trusted || checkFormat(kind, ['kind'], 'kind-format', 'isValidKind', issues);
    if (metadata === undefined) issues.push({ path: ['metadata'], rule: 'required', detail: 'is required' });
    else if (!isObject(metadata)) {
      issues.push({ path: ['metadata'], rule: 'type', detail: `must be object, got ${describe(metadata)}` });
    } else checkMetadata(metadata, issues);
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

  function fail(input: unknown, issues: Issue[], context: ValidationContext | undefined): ValidationResult {
    const ref = refOf(input, defaultNamespace);
    const file = context?.file;
    const text = context?.yamlText;
    const documentLine = context?.documentLine ?? 1;
    const errors = issues.map((issue): EntityValidationError => {
      const path = formatPath(issue.path);
      let line: number | undefined;
      if (text !== undefined) line = locateLine(text, documentLine, issue.path);
      else if (context?.documentLine !== undefined) line = documentLine;
      const where = file !== undefined ? `${file}${line !== undefined ? `:${line}` : ''}: ` : line !== undefined ? `line ${line}: ` : '';
      const message = `${where}${ref !== undefined ? `${ref}: ` : ''}${path || '<entity>'} ${issue.detail} [${issue.rule}]`;
      const error: EntityValidationError = { path, rule: issue.rule, message };
      if (ref !== undefined) error.ref = ref;
      if (file !== undefined) error.file = file;
      if (line !== undefined) error.line = line;
      return error;
    });
    return { ok: false, errors };
  }

  function isThenable(value: unknown): value is PromiseLike<unknown> {
    return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
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

// The line of the path, or of its deepest ancestor present in the YAML (a missing required
// field is reported on its parent's line), or the document's first line.
function locateLine(text: string, documentLine: number, path: readonly Segment[]): number {
  for (let length = path.length; length > 0; length--) {
    const line = locateYamlPath(text, documentLine, path.slice(0, length));
    if (line !== undefined) return line;
  }
  return documentLine;
}

function refOf(input: unknown, defaultNamespace: string): string | undefined {
  if (!isObject(input)) return undefined;
  const { kind, metadata } = input;
  if (typeof kind !== 'string' || kind === '' || !isObject(metadata)) return undefined;
  const { name, namespace } = metadata;
  if (typeof name !== 'string' || name === '') return undefined;
  const ns = typeof namespace === 'string' && namespace !== '' ? namespace : defaultNamespace;
  return `${kind.toLowerCase()}:${ns.toLowerCase()}/${name.toLowerCase()}`;
}
