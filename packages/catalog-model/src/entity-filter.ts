/*
 * The catalog's normalized filter tree: what every catalog store evaluates, and what permission
 * conditions on entities translate into. Owned here so that packages holding entities (search,
 * scorecards, techdocs) evaluate a condition exactly as the catalog's stores do.
 */
import type { Entity } from './types.js';
import { buildEntitySearch } from './search-rows.js';

/**
 * The normalized filter tree every store evaluates (Backstage's backend `EntityFilter`). Keys and
 * values are lowercase. A leaf without `values` matches when the key exists.
 *
 * @example
 * ```ts
 * const f: EntityFilter = { anyOf: [{ allOf: [{ key: 'kind', values: ['component'] }] }, { not: { key: 'spec.owner' } }] };
 * ```
 */
export type EntityFilter =
  | { allOf: EntityFilter[] }
  | { anyOf: EntityFilter[] }
  | { not: EntityFilter }
  | EntitiesSearchFilter
  | EntitiesPrefixFilter;

/**
 * One leaf of an {@link EntityFilter}: `key` must exist, and when `values` is given one of them
 * must equal one of the key's values.
 *
 * @example
 * ```ts
 * const leaf: EntitiesSearchFilter = { key: 'metadata.tags', values: ['java'] };
 * ```
 */
export interface EntitiesSearchFilter {
  key: string;
  values?: string[];
}

/**
 * A leaf matching when one of the key's (lowercase) values starts with `prefix`, as a
 * predicate's `{ $hasPrefix }` asks.
 *
 * @example
 * ```ts
 * const leaf: EntitiesPrefixFilter = { key: 'metadata.name', prefix: 'payments-' };
 * ```
 */
export interface EntitiesPrefixFilter {
  key: string;
  prefix: string;
}

/**
 * Evaluate a filter against one entity, given a lookup from lowercase key to its lowercase
 * values (`undefined` when the key is absent).
 *
 * @example
 * ```ts
 * matchesEntityFilter({ key: 'kind', values: ['api'] }, (k) => (k === 'kind' ? ['api'] : undefined)); // true
 * ```
 */
export function matchesEntityFilter(
  filter: EntityFilter,
  lookup: (key: string) => readonly (string | null)[] | undefined,
): boolean {
  if ('allOf' in filter) return filter.allOf.every((f) => matchesEntityFilter(f, lookup));
  if ('anyOf' in filter) return filter.anyOf.some((f) => matchesEntityFilter(f, lookup));
  if ('not' in filter) return !matchesEntityFilter(filter.not, lookup);
  const values = lookup(filter.key);
  if ('prefix' in filter) return values?.some((v) => v !== null && v.startsWith(filter.prefix)) ?? false;
  if (values === undefined) return false;
  if (!filter.values) return true;
  return values.some((v) => v !== null && filter.values!.includes(v));
}

/**
 * Whether `entity` matches `filter`, over the same rows the catalog's stores index
 * ({@link buildEntitySearch}).
 *
 * @example
 * ```ts
 * entityMatchesFilter(entity, { key: 'kind', values: ['component'] });
 * ```
 */
export function entityMatchesFilter(entity: Entity, filter: EntityFilter): boolean {
  const byKey = new Map<string, (string | null)[]>();
  for (const row of buildEntitySearch(entity)) {
    const list = byKey.get(row.key);
    if (list) list.push(row.value);
    else byKey.set(row.key, [row.value]);
  }
  return matchesEntityFilter(filter, (key) => byKey.get(key));
}
