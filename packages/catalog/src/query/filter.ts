import { InputError } from '@portalkit/core';
export { matchesEntityFilter } from '@portalkit/catalog-model';
import { assertMaxDepth } from './depth.js';
import { CATALOG_FILTER_EXISTS } from './types.js';
import type { EntityFilter, EntityFilterQuery } from './types.js';

const lower = (s: string) => s.toLowerCase();

/** Deeper predicates are rejected; real queries nest a handful of levels. */
export const MAX_FILTER_DEPTH = 64;

/**
 * Normalize a `@backstage/catalog-client` style filter into an {@link EntityFilter} tree:
 * array entries are ORed, keys inside one entry ANDed, values of one key ORed, and
 * `CATALOG_FILTER_EXISTS` asks for the key only. Returns `undefined` for "no filter".
 *
 * @example
 * ```ts
 * parseEntityFilterQuery([{ kind: 'Component', 'spec.type': 'service' }, { kind: 'API' }]);
 * // { anyOf: [{ allOf: [{ key: 'kind', values: ['component'] }, { key: 'spec.type', values: ['service'] }] },
 * //           { allOf: [{ key: 'kind', values: ['api'] }] }] }
 * ```
 */
export function parseEntityFilterQuery(query: EntityFilterQuery | undefined): EntityFilter | undefined {
  if (query === undefined || query === null) return undefined;
  const sets = Array.isArray(query) ? query : [query];
  const anyOf: EntityFilter[] = [];
  for (const set of sets) {
    if (set === null || typeof set !== 'object') throw new InputError('Invalid filter: each filter set must be an object');
    const allOf: EntityFilter[] = [];
    for (const [rawKey, rawValue] of Object.entries(set)) {
      const key = lower(rawKey.trim());
      if (!key) throw new InputError('Invalid filter: empty key');
      const values = Array.isArray(rawValue) ? rawValue : [rawValue];
      if (values.some((v) => v === CATALOG_FILTER_EXISTS)) {
        allOf.push({ key });
        continue;
      }
      const strings: string[] = [];
      for (const v of values) {
        if (typeof v !== 'string') throw new InputError(`Invalid filter value for '${rawKey}': expected a string`);
        strings.push(lower(v.trim()));
      }
      allOf.push({ key, values: strings });
    }
    if (allOf.length) anyOf.push({ allOf });
  }
  return anyOf.length ? { anyOf } : undefined;
}

/**
 * Parse the `filter` query parameters of Backstage's REST API (`filter=kind=component,spec.type=service&filter=kind=api`):
 * each string is one filter set of comma-separated `key=value` (or bare `key` for existence)
 * statements; repeated keys in one set OR their values.
 *
 * @example
 * ```ts
 * parseEntityFilterStrings(['kind=component,spec.type=service', 'kind=api']);
 * ```
 */
export function parseEntityFilterStrings(filters: readonly string[] | undefined): EntityFilter | undefined {
  if (!filters) return undefined;
  const anyOf: EntityFilter[] = [];
  for (const filterString of filters) {
    const byKey = new Map<string, { key: string; values?: string[]; exists?: boolean }>();
    for (const statement of filterString.split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = statement.indexOf('=');
      const key = lower((eq === -1 ? statement : statement.slice(0, eq)).trim());
      if (!key) {
        throw new InputError(
          `Invalid filter, '${statement}' is not a valid statement (expected a string on the form a=b or a= or a)`,
        );
      }
      const entry = byKey.get(key) ?? { key };
      byKey.set(key, entry);
      if (eq === -1) entry.exists = true;
      else (entry.values ??= []).push(lower(statement.slice(eq + 1).trim()));
    }
    const allOf: EntityFilter[] = [];
    for (const entry of byKey.values()) {
      // `a` and `a=b` together means both must hold; `a=b` already implies `a` exists.
      allOf.push(entry.values ? { key: entry.key, values: entry.values } : { key: entry.key });
    }
    if (allOf.length) anyOf.push({ allOf });
  }
  return anyOf.length ? { anyOf } : undefined;
}

type PredicatePrimitive = string | number | boolean;
/** The operand of `$contains`: a value one array element must equal, or `$any` of such. */
type ContainsOperand = PredicatePrimitive | { $any: ContainsOperand[] };

/**
 * A predicate in Backstage's `query` syntax (`@backstage/filter-predicates`): `$all`, `$any`,
 * `$not`, and the value matchers `$exists`, `$in`, `$hasPrefix` and `$contains`.
 */
export type FilterPredicate =
  | { $all: FilterPredicate[] }
  | { $any: FilterPredicate[] }
  | { $not: FilterPredicate }
  | Record<
      string,
      | PredicatePrimitive
      | { $exists: boolean }
      | { $in: PredicatePrimitive[] }
      | { $hasPrefix: string }
      | { $contains: ContainsOperand }
    >;

/**
 * Convert a Backstage filter predicate (`{ $all: [{ kind: 'component' }, { 'spec.type': { $in: ['service'] } }] }`)
 * into an {@link EntityFilter}. Values compare case-insensitively, as in Backstage. `$contains`
 * takes a value (or `$any` of values) one array element must equal; operands that need one
 * element to satisfy several conditions (`$all`, `$not`, object expressions) are an `InputError`,
 * since the catalog indexes array elements as separate values.
 *
 * @example
 * ```ts
 * parseFilterPredicate({ $not: { 'spec.lifecycle': 'experimental' } });
 * ```
 */
export function parseFilterPredicate(predicate: unknown): EntityFilter {
  assertMaxDepth(predicate, MAX_FILTER_DEPTH, 'query');
  return parsePredicate(predicate);
}

function parsePredicate(predicate: unknown): EntityFilter {
  if (predicate === null || typeof predicate !== 'object' || Array.isArray(predicate)) {
    throw new InputError('Invalid query: a predicate must be an object');
  }
  const obj = predicate as Record<string, unknown>;
  if ('$all' in obj || '$any' in obj) {
    const list = obj.$all ?? obj.$any;
    if (!Array.isArray(list)) throw new InputError('Invalid query: $all/$any take an array');
    const children = list.map(parsePredicate);
    return '$all' in obj ? { allOf: children } : { anyOf: children };
  }
  if ('$not' in obj) return { not: parsePredicate(obj.$not) };
  const allOf: EntityFilter[] = [];
  for (const [rawKey, value] of Object.entries(obj)) {
    if (rawKey.startsWith('$')) throw new InputError(`Invalid query: unknown operator '${rawKey}'`);
    const key = lower(rawKey);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      allOf.push({ key, values: [lower(String(value))] });
    } else if (value && typeof value === 'object' && '$exists' in value) {
      allOf.push((value as { $exists: unknown }).$exists ? { key } : { not: { key } });
    } else if (value && typeof value === 'object' && '$in' in value && Array.isArray((value as { $in: unknown }).$in)) {
      const list = (value as { $in: unknown[] }).$in;
      // Only scalars compare against entity values; an object would stringify to junk (or throw).
      if (!list.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        throw new InputError(`Invalid query: $in of '${rawKey}' takes strings, numbers or booleans`);
      }
      allOf.push({ key, values: list.map((v) => lower(String(v))) });
    } else if (value && typeof value === 'object' && '$hasPrefix' in value) {
      const prefix = (value as { $hasPrefix: unknown }).$hasPrefix;
      if (typeof prefix !== 'string') throw new InputError(`Invalid query: $hasPrefix of '${rawKey}' takes a string`);
      allOf.push({ key, prefix: lower(prefix) });
    } else if (value && typeof value === 'object' && '$contains' in value) {
      allOf.push({ key, values: containedValues((value as { $contains: unknown }).$contains, rawKey) });
    } else {
      throw new InputError(`Invalid query: unsupported matcher for '${rawKey}'`);
    }
  }
  return allOf.length === 1 ? allOf[0]! : { allOf };
}

/** The values a `$contains` operand accepts (any one element equal to one of them matches). */
function containedValues(operand: unknown, rawKey: string): string[] {
  if (typeof operand === 'string' || typeof operand === 'number' || typeof operand === 'boolean') return [lower(String(operand))];
  if (operand && typeof operand === 'object' && !Array.isArray(operand)) {
    const obj = operand as Record<string, unknown>;
    if (Object.keys(obj).length === 1 && Array.isArray(obj.$any)) return obj.$any.flatMap((o) => containedValues(o, rawKey));
  }
  throw new InputError(
    `Invalid query: $contains of '${rawKey}' takes a value or { $any: [values] }; matching several conditions on one array element is not supported`,
  );
}

