import type { z } from 'zod';
import { InputError } from '../errors.js';
import type { PermissionCondition, PermissionCriteria } from './permission.js';

/**
 * A rule a conditional decision may name: it checks one resource (`apply`) and says the same
 * thing as a store query (`toQuery`), so a list can be filtered in the store, not page by page.
 *
 * @example
 * ```ts
 * const isKind = createPermissionRule({
 *   name: 'IS_ENTITY_KIND', description: 'kind is one of', resourceType: 'catalog-entity',
 *   paramsSchema: z.object({ kinds: z.array(z.string()) }),
 *   apply: (entity: Entity, { kinds }) => kinds.includes(entity.kind.toLowerCase()),
 *   toQuery: ({ kinds }) => ({ key: 'kind', values: kinds }),
 * });
 * ```
 */
export interface PermissionRule<TResource, TQuery, TParams = Record<string, unknown>> {
  name: string;
  description: string;
  resourceType: string;
  /** Parameters are parsed with this schema before `apply` and `toQuery`; bad ones are an InputError. */
  paramsSchema: z.ZodType<TParams>;
  apply(resource: TResource, params: TParams): boolean;
  toQuery(params: TParams): TQuery;
}

/**
 * Identity function that types a {@link PermissionRule}.
 *
 * @example
 * ```ts
 * const rule = createPermissionRule({ name: 'ALWAYS', description: '', resourceType: 'x', paramsSchema: z.object({}), apply: () => true, toQuery: () => ({}) });
 * ```
 */
export function createPermissionRule<TResource, TQuery, TParams>(
  rule: PermissionRule<TResource, TQuery, TParams>,
): PermissionRule<TResource, TQuery, TParams> {
  return rule;
}

/**
 * Build conditions for a rule, type-checked against its params:
 * `const isEntityKind = createConditionFactory(isKindRule); isEntityKind({ kinds: ['api'] })`.
 *
 * @example
 * ```ts
 * const cond = createConditionFactory(rule)({ kinds: ['component'] });
 * ```
 */
export function createConditionFactory<TParams>(
  rule: PermissionRule<unknown, unknown, TParams>,
): (params: TParams) => PermissionCondition {
  return (params) => ({ resourceType: rule.resourceType, rule: rule.name, params: params as Record<string, unknown> });
}

type AnyRule<TResource, TQuery> = PermissionRule<TResource, TQuery, any>;

/**
 * Raised for a condition that names a rule the resource type does not have, has bad params, or
 * is not a criteria tree. An InputError: 400 when a policy is built, deny when one is applied.
 */
export class PermissionRuleError extends InputError {}

/**
 * Check a criteria tree against the rules of its resource type without applying it: every rule
 * exists and every condition's params parse. Throws {@link PermissionRuleError}.
 *
 * @example
 * ```ts
 * validateConditions({ anyOf: [cond] }, catalogEntityPermissionRules);
 * ```
 */
export function validateConditions<TResource, TQuery>(
  criteria: PermissionCriteria<PermissionCondition>,
  rules: readonly AnyRule<TResource, TQuery>[],
): void {
  walk(criteria, rules, '$', 0);
}

/** {@link validateConditions} naming paths from `root` (e.g. `statements[2].decision.conditions`). */
export function validateConditionsAt<TResource, TQuery>(
  criteria: unknown,
  rules: readonly AnyRule<TResource, TQuery>[],
  root: string,
): void {
  walk(criteria, rules, root, 0);
}

/**
 * Evaluate a criteria tree for one resource.
 *
 * @example
 * ```ts
 * applyConditions(decision.conditions, entity, catalogEntityPermissionRules); // true or false
 * ```
 */
export function applyConditions<TResource, TQuery>(
  criteria: PermissionCriteria<PermissionCondition>,
  resource: TResource,
  rules: readonly AnyRule<TResource, TQuery>[],
): boolean {
  const evaluate = (node: unknown, path: string, depth: number): boolean => {
    const c = classify(node, path, depth);
    if (c.kind === 'allOf') return c.children.every((child, i) => evaluate(child, `${path}.allOf[${i}]`, depth + 1));
    if (c.kind === 'anyOf') return c.children.some((child, i) => evaluate(child, `${path}.anyOf[${i}]`, depth + 1));
    if (c.kind === 'not') return !evaluate(c.child, `${path}.not`, depth + 1);
    const { rule, params } = resolve(c.condition, rules, path);
    return rule.apply(resource, params);
  };
  return evaluate(criteria, '$', 0);
}

/**
 * Translate a criteria tree into a store query with the combinators of that store's filter
 * language (for the catalog: `allOf`/`anyOf`/`not` of EntityFilter).
 *
 * @example
 * ```ts
 * const filter = conditionsToQuery(decision.conditions, rules, { allOf: (f) => ({ allOf: f }), anyOf: (f) => ({ anyOf: f }), not: (f) => ({ not: f }) });
 * ```
 */
export function conditionsToQuery<TResource, TQuery>(
  criteria: PermissionCriteria<PermissionCondition>,
  rules: readonly AnyRule<TResource, TQuery>[],
  combine: { allOf(queries: TQuery[]): TQuery; anyOf(queries: TQuery[]): TQuery; not(query: TQuery): TQuery },
): TQuery {
  const convert = (node: unknown, path: string, depth: number): TQuery => {
    const c = classify(node, path, depth);
    if (c.kind === 'allOf') return combine.allOf(c.children.map((child, i) => convert(child, `${path}.allOf[${i}]`, depth + 1)));
    if (c.kind === 'anyOf') return combine.anyOf(c.children.map((child, i) => convert(child, `${path}.anyOf[${i}]`, depth + 1)));
    if (c.kind === 'not') return combine.not(convert(c.child, `${path}.not`, depth + 1));
    const { rule, params } = resolve(c.condition, rules, path);
    return rule.toQuery(params);
  };
  return convert(criteria, '$', 0);
}

function walk<TResource, TQuery>(node: unknown, rules: readonly AnyRule<TResource, TQuery>[], path: string, depth: number): void {
  const c = classify(node, path, depth);
  if (c.kind === 'allOf') return c.children.forEach((child, i) => walk(child, rules, `${path}.allOf[${i}]`, depth + 1));
  if (c.kind === 'anyOf') return c.children.forEach((child, i) => walk(child, rules, `${path}.anyOf[${i}]`, depth + 1));
  if (c.kind === 'not') return walk(c.child, rules, `${path}.not`, depth + 1);
  resolve(c.condition, rules, path);
}

/** Deeper trees are refused: no policy needs them, and recursion must not overflow the stack. */
const maxCriteriaDepth = 32;
const leafKeys = new Set(['resourceType', 'rule', 'params']);

type Classified =
  | { kind: 'allOf'; children: unknown[] }
  | { kind: 'anyOf'; children: unknown[] }
  | { kind: 'not'; child: unknown }
  | { kind: 'leaf'; condition: PermissionCondition };

/**
 * What one node of a criteria tree is. A node is exactly one of `{ allOf: [...] }`,
 * `{ anyOf: [...] }`, `{ not: node }` or `{ resourceType, rule, params? }`; anything else (extra
 * keys that make a node ambiguous, a non-object, a tree too deep) is a PermissionRuleError.
 */
function classify(node: unknown, path: string, depth: number): Classified {
  if (depth > maxCriteriaDepth) throw new PermissionRuleError(`Permission criteria nested deeper than ${maxCriteriaDepth} at ${path}`);
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new PermissionRuleError(`Invalid permission criteria at ${path}: expected allOf, anyOf, not or a rule`);
  }
  const keys = Object.keys(node);
  const record = node as Record<string, unknown>;
  for (const kind of ['allOf', 'anyOf', 'not'] as const) {
    if (!keys.includes(kind)) continue;
    if (keys.length !== 1) {
      throw new PermissionRuleError(`Invalid permission criteria at ${path}: "${kind}" must be the node's only key`);
    }
    if (kind === 'not') return { kind, child: record.not };
    const children = record[kind];
    if (!Array.isArray(children)) throw new PermissionRuleError(`Invalid permission criteria at ${path}.${kind}: expected an array`);
    return kind === 'allOf' ? { kind: 'allOf', children } : { kind: 'anyOf', children };
  }
  const extra = keys.filter((k) => !leafKeys.has(k));
  if (typeof record.rule !== 'string' || typeof record.resourceType !== 'string' || extra.length > 0) {
    throw new PermissionRuleError(
      `Invalid permission criteria at ${path}: expected allOf, anyOf, not or a rule ({ resourceType, rule, params })`,
    );
  }
  const params = record.params;
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    throw new PermissionRuleError(`Invalid params for permission rule "${record.rule}" at ${path}: expected an object`);
  }
  return { kind: 'leaf', condition: node as PermissionCondition };
}

/**
 * Check a conditional decision's tree without its rules (the policy may not know them): its
 * shape, and that every condition names `resourceType`. Returns a copy, so a policy keeping a
 * reference cannot change a decision after it was checked. Throws {@link PermissionRuleError}.
 */
export function checkCriteriaShape(
  criteria: unknown,
  resourceType: string,
  path = '$',
  depth = 0,
): PermissionCriteria<PermissionCondition> {
  const c = classify(criteria, path, depth);
  if (c.kind === 'allOf') return { allOf: c.children.map((child, i) => checkCriteriaShape(child, resourceType, `${path}.allOf[${i}]`, depth + 1)) };
  if (c.kind === 'anyOf') return { anyOf: c.children.map((child, i) => checkCriteriaShape(child, resourceType, `${path}.anyOf[${i}]`, depth + 1)) };
  if (c.kind === 'not') return { not: checkCriteriaShape(c.child, resourceType, `${path}.not`, depth + 1) };
  const { condition } = c;
  if (condition.resourceType !== resourceType) {
    throw new PermissionRuleError(
      `Permission condition at ${path} is for resource type "${condition.resourceType}", not "${resourceType}"`,
    );
  }
  return {
    resourceType: condition.resourceType,
    rule: condition.rule,
    ...(condition.params !== undefined ? { params: structuredClone(condition.params) } : {}),
  };
}

function resolve<TResource, TQuery>(
  condition: PermissionCondition,
  rules: readonly AnyRule<TResource, TQuery>[],
  path: string,
): { rule: AnyRule<TResource, TQuery>; params: any } {
  const rule = rules.find((r) => r.name === condition.rule && r.resourceType === condition.resourceType);
  if (!rule) {
    const known = rules.map((r) => r.name).join(', ');
    throw new PermissionRuleError(
      `Unknown permission rule "${condition.rule}" for resource type "${condition.resourceType}" at ${path} (known: ${known})`,
    );
  }
  const parsed = rule.paramsSchema.safeParse(condition.params ?? {});
  if (!parsed.success) {
    throw new PermissionRuleError(
      `Invalid params for permission rule "${condition.rule}" at ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`,
    );
  }
  return { rule, params: parsed.data };
}
