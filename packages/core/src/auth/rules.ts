import type { z } from 'zod';
import { InputError } from '../errors.js';
import type { PermissionCondition, PermissionCriteria } from './permission.js';
import { isAllOf, isAnyOf, isNot } from './permission.js';

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
  walk(criteria, rules, '$');
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
  const evaluate = (node: PermissionCriteria<PermissionCondition>, path: string): boolean => {
    if (isAllOf(node)) return node.allOf.every((c, i) => evaluate(c, `${path}.allOf[${i}]`));
    if (isAnyOf(node)) return node.anyOf.some((c, i) => evaluate(c, `${path}.anyOf[${i}]`));
    if (isNot(node)) return !evaluate(node.not, `${path}.not`);
    const { rule, params } = resolve(node, rules, path);
    return rule.apply(resource, params);
  };
  return evaluate(criteria, '$');
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
  const convert = (node: PermissionCriteria<PermissionCondition>, path: string): TQuery => {
    if (isAllOf(node)) return combine.allOf(node.allOf.map((c, i) => convert(c, `${path}.allOf[${i}]`)));
    if (isAnyOf(node)) return combine.anyOf(node.anyOf.map((c, i) => convert(c, `${path}.anyOf[${i}]`)));
    if (isNot(node)) return combine.not(convert(node.not, `${path}.not`));
    const { rule, params } = resolve(node, rules, path);
    return rule.toQuery(params);
  };
  return convert(criteria, '$');
}

function walk<TResource, TQuery>(
  node: PermissionCriteria<PermissionCondition>,
  rules: readonly AnyRule<TResource, TQuery>[],
  path: string,
): void {
  if (isAllOf(node)) return node.allOf.forEach((c, i) => walk(c, rules, `${path}.allOf[${i}]`));
  if (isAnyOf(node)) return node.anyOf.forEach((c, i) => walk(c, rules, `${path}.anyOf[${i}]`));
  if (isNot(node)) return walk(node.not, rules, `${path}.not`);
  resolve(node, rules, path);
}

function resolve<TResource, TQuery>(
  node: unknown,
  rules: readonly AnyRule<TResource, TQuery>[],
  path: string,
): { rule: AnyRule<TResource, TQuery>; params: any } {
  if (typeof node !== 'object' || node === null || typeof (node as { rule?: unknown }).rule !== 'string') {
    throw new PermissionRuleError(`Invalid permission criteria at ${path}: expected allOf, anyOf, not or a rule`);
  }
  const condition = node as PermissionCondition;
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
