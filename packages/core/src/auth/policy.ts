import { z } from 'zod';
import { InputError } from '../errors.js';
import type { Permission, PermissionPolicy, PolicyDecision } from './permission.js';
import type { Principal } from './principal.js';
import { type PermissionRule, checkCriteriaShape, validateConditionsAt } from './rules.js';

/**
 * One statement of a declarative policy: which permissions (a name, a prefix such as
 * `catalog.*`, or `*`), optionally which actions and which principals, and the decision. In
 * condition params the placeholders `$ownershipEntityRefs` (a list; inside a list its items are
 * spliced in) and `$userEntityRef` stand for the asking principal's refs.
 *
 * @example
 * ```ts
 * const ownersOnly: PolicyStatement = {
 *   permission: 'catalog.entity.delete',
 *   principals: { types: ['user'] },
 *   decision: { conditions: { rule: 'IS_ENTITY_OWNER', params: { claims: '$ownershipEntityRefs' } } },
 * };
 * ```
 */
export interface PolicyStatement {
  permission: string | string[];
  /** Only permissions with one of these `attributes.action`. */
  actions?: Array<'create' | 'read' | 'update' | 'delete'>;
  /**
   * Who the statement is for; each given list must match (a principal owning any of
   * `ownershipEntityRefs` matches). Subjects and refs are compared ignoring case.
   */
  principals?: {
    types?: Array<Principal['type']>;
    subjects?: string[];
    ownershipEntityRefs?: string[];
  };
  /** Conditions are a criteria tree; a condition's `resourceType` may be left out when its rule name is unique. */
  decision: 'allow' | 'deny' | { conditions: unknown };
}

/**
 * Options of {@link createPolicy}: plain data, so it can come from YAML config.
 *
 * @example
 * ```ts
 * const options: PolicyOptions = {
 *   rules: [catalogEntityPermissionRules],
 *   statements: [{ permission: 'catalog.entity.read', decision: 'allow' }],
 *   default: 'deny',
 * };
 * ```
 */
export interface PolicyOptions {
  /** The rules conditions may name, as lists (rule sets) or single rules; given by the host. */
  rules: ReadonlyArray<PermissionRule<any, any, any> | readonly PermissionRule<any, any, any>[]>;
  statements: readonly PolicyStatement[];
  /**
   * The permissions the portal has (e.g. `[...catalogPermissions, ...scaffolderPermissions]`).
   * When given, a statement naming a permission not among them, or a prefix matching none, is
   * refused at build time: a typo would otherwise never match, silently.
   */
  permissions?: readonly Permission[];
  /** The decision when no statement matches; default `deny`. */
  default?: 'allow' | 'deny';
}

const permissionPattern = z
  .string()
  .regex(/^(\*|[A-Za-z0-9][\w-]*(\.[\w-]+)*(\.\*)?)$/, 'expected a permission name, a prefix ending in ".*", or "*"');

const statementSchema = z.strictObject({
  permission: z.union([permissionPattern, z.array(permissionPattern).min(1)], {
    error: 'expected a permission name, a prefix ending in ".*", "*", or a non-empty list of them',
  }),
  actions: z.array(z.enum(['create', 'read', 'update', 'delete'])).min(1).optional(),
  principals: z
    .strictObject({
      types: z.array(z.enum(['user', 'service', 'anonymous'])).min(1).optional(),
      subjects: z.array(z.string().min(1)).min(1).optional(),
      ownershipEntityRefs: z.array(z.string().min(1)).min(1).optional(),
    })
    .optional(),
  decision: z.union([z.enum(['allow', 'deny']), z.strictObject({ conditions: z.unknown() })], {
    error: 'expected "allow", "deny" or { conditions }',
  }),
});
const optionsSchema = z.strictObject({
  rules: z.array(z.unknown()),
  permissions: z.array(z.object({ name: z.string() })).optional(),
  statements: z.array(z.unknown()),
  default: z.enum(['allow', 'deny']).optional(),
});

/** A name, `*`, or a prefix ending in `.*` that matches at the dot (`catalog.*` is not `catalogx.read`). */
const patternMatches = (pattern: string, name: string) =>
  pattern === '*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1)));

const placeholders = { ownership: '$ownershipEntityRefs', user: '$userEntityRef' } as const;
const maxDepth = 40;

interface CompiledStatement {
  matchesPermission(permission: Permission): boolean;
  matchesPrincipal(principal: Principal): boolean;
  decide(principal: Principal, permission: Permission): PolicyDecision;
}

/**
 * Build a {@link PermissionPolicy} from statements; the first statement matching the permission
 * and the principal decides, else `default` (deny unless given). Everything is checked when the
 * policy is built: statement shapes, permission patterns, and every condition against `rules`
 * (unknown rules, bad params, unknown placeholders), so a broken policy fails the portal's
 * start with an `InputError` naming the statement and path, not a request later. A conditional
 * statement answers for one resource type; for a permission of another type (or none) it
 * denies. The policy keeps a copy of `options`.
 *
 * @example
 * ```ts
 * const policy = createPolicy({
 *   rules: [catalogEntityPermissionRules],
 *   statements: [
 *     { permission: 'catalog.entity.read', decision: 'allow' },
 *     { permission: 'catalog.*', principals: { ownershipEntityRefs: ['group:default/admins'] }, decision: 'allow' },
 *     { permission: 'catalog.entity.*', principals: { types: ['user'] },
 *       decision: { conditions: { rule: 'IS_ENTITY_OWNER', params: { claims: '$ownershipEntityRefs' } } } },
 *   ],
 * });
 * const auth = createPortalAuth({ identify, policy });
 * ```
 */
export function createPolicy(options: PolicyOptions): PermissionPolicy {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new InputError(`createPolicy: ${formatIssues(parsed.error.issues, '')}`);
  const rules = collectRules(parsed.data.rules);
  const known = parsed.data.permissions?.map((p) => p.name);
  const statements = parsed.data.statements.map((statement, index) => compileStatement(statement, index, rules, known));
  const fallback: PolicyDecision = { result: parsed.data.default === 'allow' ? 'ALLOW' : 'DENY' };
  return (principal, permission) => {
    for (const statement of statements) {
      if (statement.matchesPermission(permission) && statement.matchesPrincipal(principal)) {
        return statement.decide(principal, permission);
      }
    }
    return fallback;
  };
}

function collectRules(given: unknown[]): PermissionRule<any, any, any>[] {
  const rules = given.flat() as PermissionRule<any, any, any>[];
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    if (typeof rule !== 'object' || rule === null || typeof rule.name !== 'string' || typeof rule.resourceType !== 'string') {
      throw new InputError(`createPolicy: rules[${i}] is not a permission rule`);
    }
    const key = `${rule.resourceType}/${rule.name}`;
    if (seen.has(key)) throw new InputError(`createPolicy: rule ${rule.name} for ${rule.resourceType} is given twice`);
    seen.add(key);
  });
  return rules;
}

function compileStatement(
  raw: unknown,
  index: number,
  rules: PermissionRule<any, any, any>[],
  known: string[] | undefined,
): CompiledStatement {
  const at = `statements[${index}]`;
  const parsed = statementSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`createPolicy: ${formatIssues(parsed.error.issues, at)}`);
  const statement = parsed.data;
  const patterns = [statement.permission].flat();
  if (known) {
    patterns.forEach((p, i) => {
      if (!known.some((name) => patternMatches(p, name))) {
        const where = Array.isArray(statement.permission) ? `${at}.permission[${i}]` : `${at}.permission`;
        throw new InputError(`createPolicy: ${where}: ${p.endsWith('*') ? 'no permission matches' : 'unknown permission'} "${p}"`);
      }
    });
  }
  const actions = statement.actions;
  const who = statement.principals ?? {};
  // Entity refs are case-insensitive (Backstage's); subjects are compared the same way.
  const owners = who.ownershipEntityRefs?.map((r) => r.toLowerCase());
  const subjects = who.subjects?.map((r) => r.toLowerCase());

  const matchesPermission = (permission: Permission) =>
    patterns.some((p) => patternMatches(p, permission.name)) &&
    (!actions || (permission.attributes.action !== undefined && actions.includes(permission.attributes.action)));
  const matchesPrincipal = (principal: Principal) =>
    (!who.types || who.types.includes(principal.type)) &&
    (!subjects || subjects.includes(principal.subject.toLowerCase())) &&
    (!owners || principal.ownershipEntityRefs.some((r) => owners.includes(r.toLowerCase())));

  const { decision } = statement;
  if (typeof decision === 'string') {
    const fixed: PolicyDecision = { result: decision === 'allow' ? 'ALLOW' : 'DENY' };
    return { matchesPermission, matchesPrincipal, decide: () => fixed };
  }
  const path = `${at}.decision.conditions`;
  if (decision.conditions === undefined) throw new InputError(`createPolicy: ${path}: required`);
  const template = withResourceTypes(decision.conditions, rules, path, 0);
  const resourceTypes = new Set<string>();
  checkPlaceholders(template, path, resourceTypes);
  if (resourceTypes.size > 1) {
    throw new InputError(`createPolicy: ${path}: conditions mix resource types (${[...resourceTypes].join(', ')})`);
  }
  // Placeholders replaced by a sample principal's refs, so params are checked with list values.
  try {
    const sample = substitute(template, { userEntityRef: 'user:default/sample', ownershipEntityRefs: ['user:default/sample'] });
    validateConditionsAt(sample, rules, path);
  } catch (error) {
    if (error instanceof RangeError) throw new InputError(`createPolicy: ${path}: nested too deeply`);
    throw new InputError(`createPolicy: ${(error as Error).message}`);
  }
  const resourceType = [...resourceTypes][0];
  return {
    matchesPermission,
    matchesPrincipal,
    decide(principal, permission) {
      if (!permission.resourceType || (resourceType !== undefined && resourceType !== permission.resourceType)) {
        return { result: 'DENY' };
      }
      const conditions = substitute(template, principal);
      if (conditions === unresolved) return { result: 'DENY' };
      // Refs of a real principal may still fail a rule's params (a throw is a logged deny in PortalAuth).
      validateConditionsAt(conditions, rules, path);
      return {
        result: 'CONDITIONAL',
        resourceType: permission.resourceType,
        conditions: checkCriteriaShape(conditions, permission.resourceType),
      };
    },
  };
}

/** Fill in each condition's `resourceType` from its rule's name when left out. */
function withResourceTypes(node: unknown, rules: PermissionRule<any, any, any>[], path: string, depth: number): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node) || depth > maxDepth) return node;
  const record = node as Record<string, unknown>;
  if (Array.isArray(record.allOf) && Object.keys(record).length === 1) {
    return { allOf: record.allOf.map((c, i) => withResourceTypes(c, rules, `${path}.allOf[${i}]`, depth + 1)) };
  }
  if (Array.isArray(record.anyOf) && Object.keys(record).length === 1) {
    return { anyOf: record.anyOf.map((c, i) => withResourceTypes(c, rules, `${path}.anyOf[${i}]`, depth + 1)) };
  }
  if ('not' in record && Object.keys(record).length === 1) {
    return { not: withResourceTypes(record.not, rules, `${path}.not`, depth + 1) };
  }
  if (typeof record.rule !== 'string' || record.resourceType !== undefined) return node;
  const named = rules.filter((r) => r.name === record.rule);
  if (named.length === 1) return { ...record, resourceType: named[0]!.resourceType };
  if (named.length === 0) {
    throw new InputError(`createPolicy: ${path}: unknown permission rule "${record.rule}" (known: ${rules.map((r) => r.name).join(', ')})`);
  }
  throw new InputError(`createPolicy: ${path}: rule "${record.rule}" exists for several resource types; give resourceType`);
}

/** Refuse `$`-words that are not placeholders (a typo would otherwise match nothing, silently). */
function checkPlaceholders(node: unknown, path: string, resourceTypes: Set<string>, depth = 0): void {
  if (depth > maxDepth * 2) return;
  if (typeof node === 'string') {
    if (/^\$\w+$/.test(node) && node !== placeholders.ownership && node !== placeholders.user) {
      throw new InputError(
        `createPolicy: ${path}: unknown placeholder "${node}" (known: ${placeholders.ownership}, ${placeholders.user})`,
      );
    }
    return;
  }
  if (Array.isArray(node)) return node.forEach((item, i) => checkPlaceholders(item, `${path}[${i}]`, resourceTypes, depth + 1));
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (typeof record.rule === 'string' && typeof record.resourceType === 'string') resourceTypes.add(record.resourceType);
    for (const [key, value] of Object.entries(record)) checkPlaceholders(value, `${path}.${key}`, resourceTypes, depth + 1);
  }
}

const unresolved = Symbol('unresolved');

/**
 * A copy of `node` with placeholders replaced by the principal's refs; `unresolved` when
 * `$userEntityRef` stands alone and the principal has none (the statement then denies).
 */
function substitute(node: unknown, principal: Pick<Principal, 'userEntityRef' | 'ownershipEntityRefs'>, depth = 0): any {
  if (depth > maxDepth * 4) throw new RangeError('nested too deeply');
  if (node === placeholders.ownership) return [...principal.ownershipEntityRefs];
  if (node === placeholders.user) return principal.userEntityRef ?? unresolved;
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    for (const item of node) {
      if (item === placeholders.ownership) out.push(...principal.ownershipEntityRefs);
      else if (item === placeholders.user) {
        if (principal.userEntityRef !== undefined) out.push(principal.userEntityRef);
      } else {
        const value = substitute(item, principal, depth + 1);
        if (value === unresolved) return unresolved;
        out.push(value);
      }
    }
    return out;
  }
  if (typeof node === 'object' && node !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const replaced = substitute(value, principal, depth + 1);
      if (replaced === unresolved) return unresolved;
      out[key] = replaced;
    }
    return out;
  }
  return node;
}

function formatIssues(issues: readonly z.core.$ZodIssue[], root: string): string {
  return issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
        root,
      );
      return `${path || 'options'}: ${issue.message}`;
    })
    .join('; ');
}

