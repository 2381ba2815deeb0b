import { InputError } from '@portalkit/core';
import { buildEntitySearch, matchesEntityFilter, parseEntityFilterQuery } from '@portalkit/catalog';
import type { EntityFilterQuery } from '@portalkit/catalog';
import type { Entity } from '@portalkit/catalog-model';

/** Lowercase key -> lowercase values of one entity, as the catalog's filters see it. */
export type EntityLookup = (key: string) => readonly (string | null)[] | undefined;

/** Whether an entity (given as its lookup) matches a compiled filter. */
export type EntityPredicate = (lookup: EntityLookup) => boolean;

/**
 * Build the lookup the catalog's `matchesEntityFilter` reads, from the same flattened rows the
 * stores filter on, so `appliesTo` means exactly what a catalog query with that filter means.
 */
export function entityLookup(entity: Entity): EntityLookup {
  let byKey: Map<string, (string | null)[]> | undefined;
  return (key) => {
    if (!byKey) {
      byKey = new Map();
      for (const row of buildEntitySearch(entity)) {
        let list = byKey.get(row.key);
        if (!list) byKey.set(row.key, (list = []));
        list.push(row.value);
      }
    }
    return byKey.get(key);
  };
}

/**
 * Compile an `appliesTo` filter (Backstage's `EntityFilterQuery`); `undefined` matches every
 * entity. A malformed filter is an `InputError` naming `what`.
 */
export function compileFilter(query: EntityFilterQuery | undefined, what: string): EntityPredicate {
  let filter;
  try {
    filter = parseEntityFilterQuery(query);
  } catch (error) {
    throw new InputError(`${what}: invalid appliesTo filter: ${(error as Error).message}`, { cause: error });
  }
  if (!filter) return () => true;
  const compiled = filter;
  return (lookup) => matchesEntityFilter(compiled, lookup);
}
