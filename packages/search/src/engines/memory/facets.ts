import type { NormalizedQuery } from '../../query.js';
import type { Entry, TypeIndex } from './types.js';

/** Adds the entry's values of `field` to that field's value -> ids map. */
export function addFacet(byValue: Map<string, Set<number>>, entry: Entry, field: string): void {
  for (const value of entry.facets[field] ?? []) {
    let ids = byValue.get(value);
    if (!ids) byValue.set(value, (ids = new Set()));
    ids.add(entry.id);
  }
}

/** Takes the entry's values out of every built facet map. */
export function removeFacets(index: TypeIndex, entry: Entry): void {
  for (const [field, byValue] of index.facetIndex) {
    for (const value of entry.facets[field] ?? []) {
      const ids = byValue.get(value);
      ids?.delete(entry.id);
      if (ids?.size === 0) byValue.delete(value);
    }
  }
}

/** field -> value -> entry ids, built on the first query that filters by the field. */
function facetLookup(index: TypeIndex, field: string): Map<string, Set<number>> {
  let byValue = index.facetIndex.get(field);
  if (!byValue) {
    byValue = new Map();
    index.facetIndex.set(field, byValue);
    for (const entry of index.entries.values()) addFacet(byValue, entry, field);
  }
  return byValue;
}

/**
 * Ids of the entries passing every filter, or undefined when there are no filters. Starts from
 * the most selective filter and only tests its ids against the others, so `kind: Component`
 * (most of the catalog) next to `owner: team-a` costs the size of team-a's set.
 */
export function allowedIds(index: TypeIndex, filters: NormalizedQuery['filters']): number[] | undefined {
  if (filters.length === 0) return undefined;
  const groups = filters
    .map(([field, values]) => {
      const byValue = facetLookup(index, field);
      const sets = values.flatMap((value) => byValue.get(value) ?? []);
      return { sets, size: sets.reduce((n, set) => n + set.size, 0) };
    })
    .sort((x, y) => x.size - y.size);
  const [first, ...rest] = groups;
  const allowed = new Set<number>();
  for (const set of first!.sets) {
    for (const id of set) {
      if (rest.every((group) => group.sets.some((s) => s.has(id)))) allowed.add(id);
    }
  }
  return [...allowed];
}
