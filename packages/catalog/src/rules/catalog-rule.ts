import { InputError } from '@portalkit/core';
import { z } from 'zod';

/**
 * One allowed kind of a catalog rule: a kind name (compared case-insensitively, as Backstage
 * does), optionally narrowed to one `spec.type`.
 *
 * @example
 * ```ts
 * const allow: CatalogRuleAllow = { kind: 'Resource', 'spec.type': 'database' };
 * ```
 */
export interface CatalogRuleAllow {
  kind: string;
  'spec.type'?: string;
}

/**
 * Which locations a catalog rule applies to (Backstage's `catalog.rules[].locations[]`): a
 * location type and either its exact target (`exact`, or `target` as an alias) or a glob
 * `pattern` (minimatch, case-insensitive). A location is matched by the *origin* of an entity:
 * the location that was registered or configured, whatever nested `Location` led to the file.
 *
 * @example
 * ```ts
 * const where: CatalogRuleLocation = { type: 'url', pattern: 'https://github.com/acme/*\/blob/main/templates/*.yaml' };
 * ```
 */
export interface CatalogRuleLocation {
  type: string;
  exact?: string;
  target?: string;
  pattern?: string;
}

/**
 * A catalog rule as Backstage's `catalog.rules[]`: the kinds it allows, from the locations it
 * names (every location when `locations` is left out). An entity is accepted when any rule
 * that matches its origin location allows its kind.
 *
 * @example
 * ```ts
 * const rules: CatalogRule[] = [
 *   { allow: ['Component', 'API', 'Location'] },
 *   { allow: ['Template'], locations: [{ type: 'url', pattern: 'https://github.com/acme/templates/**' }] },
 * ];
 * ```
 */
export interface CatalogRule {
  allow: (string | CatalogRuleAllow)[];
  locations?: CatalogRuleLocation[];
}

/**
 * Backstage's default rule set: registered locations may contribute `Component`, `API` and
 * `Location` entities only, so nobody registering a URL can add users or groups.
 *
 * @example
 * ```ts
 * createCatalog({ rules: [...DEFAULT_CATALOG_RULES, { allow: ['System', 'Resource'] }] });
 * ```
 */
export const DEFAULT_CATALOG_RULES: readonly CatalogRule[] = Object.freeze([Object.freeze({ allow: Object.freeze(['Component', 'API', 'Location']) as string[] })]);

const text = z.string().trim().min(1, 'must be a non-empty string');
const allowSchema = z.array(z.union([text, z.strictObject({ kind: text, 'spec.type': text.optional() })]));
const locationSchema = z
  .strictObject({ type: text, exact: text.optional(), target: text.optional(), pattern: text.optional() })
  .refine((l) => !(l.exact !== undefined && l.target !== undefined), { message: 'give exact or target, not both' })
  .refine((l) => !(l.pattern !== undefined && (l.exact ?? l.target) !== undefined), {
    message: 'a catalog rule location cannot have both an exact target and a pattern',
  });
const ruleSchema = z.strictObject({ allow: allowSchema, locations: z.array(locationSchema).optional() });
// A configured location's own rules apply to that location only, so they name no locations.
const locationRuleSchema = z.strictObject({ allow: allowSchema });

/** `['rules', 0, 'allow', 1]` -> `rules[0].allow[1]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out;
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string, path: readonly PropertyKey[]): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${formatPath([...path, ...i.path])}: ${i.message}`);
  throw new InputError(`${where}: invalid catalog rules: ${problems.join('; ')}`);
}

/**
 * Validate catalog rules (`createCatalog({ rules })`), throwing an `InputError` that names the
 * path of every problem (`createCatalog: invalid catalog rules: rules[0].allow[1]: ...`).
 *
 * @example
 * ```ts
 * const rules = parseCatalogRules([{ allow: ['Component'] }], 'createCatalog', ['rules']);
 * ```
 */
export function parseCatalogRules(value: unknown, where: string, path: readonly PropertyKey[]): CatalogRule[] {
  return parseWith(z.array(ruleSchema), value, where, path);
}

/**
 * Validate a configured location's own `rules` (Backstage's `catalog.locations[].rules`), which
 * take `allow` only.
 *
 * @example
 * ```ts
 * parseLocationRules([{ allow: ['User', 'Group'] }], 'createCatalog', ['locations', 0, 'rules']);
 * ```
 */
export function parseLocationRules(value: unknown, where: string, path: readonly PropertyKey[]): CatalogRule[] {
  return parseWith(z.array(locationRuleSchema), value, where, path);
}
