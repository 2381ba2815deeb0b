import { parseEntityFilterStrings } from '../query/filter.js';
import { CATALOG_FILTER_EXISTS } from '../query/types.js';
import type { EntityFilter, EntityFilterQuery } from '../query/types.js';

/**
 * Turn the `filter` query parameters of Backstage's REST API into the library's
 * {@link EntityFilterQuery}: each parameter is one filter set (sets are ORed) of comma-separated
 * `key=value` or bare `key` (existence) conditions (ANDed; a key repeated in one set ORs its
 * values). `undefined` when there is nothing to filter on. A statement without a key
 * (`=component`) is an `InputError`, as in Backstage.
 *
 * @example
 * ```ts
 * parseFilterParams(['kind=component,spec.type=service', 'kind=api,metadata.tags']);
 * // [{ kind: ['component'], 'spec.type': ['service'] }, { kind: ['api'], 'metadata.tags': CATALOG_FILTER_EXISTS }]
 * ```
 */
export function parseFilterParams(values: readonly string[]): EntityFilterQuery | undefined {
  // One parser for the syntax (the library's), then back to the shape the catalog API takes.
  const parsed = parseEntityFilterStrings(values);
  if (!parsed || !('anyOf' in parsed)) return undefined;
  return parsed.anyOf.map((set) => {
    const record: Record<string, string[] | symbol> = {};
    for (const leaf of leavesOf(set)) record[leaf.key] = leaf.values ?? CATALOG_FILTER_EXISTS;
    return record;
  });
}

function leavesOf(filter: EntityFilter): { key: string; values?: string[] }[] {
  if ('allOf' in filter) return filter.allOf.flatMap(leavesOf);
  if ('key' in filter) return [filter];
  return [];
}
