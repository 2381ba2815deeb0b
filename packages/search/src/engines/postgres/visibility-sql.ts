import type { EntityFilter } from '@portalkit/catalog-model';
import { toStorableText } from '@portalkit/core';
import type { SearchVisibility } from '../../visibility.js';

/**
 * The visibility of a query as SQL over the documents `d` (see `SearchVisibility`): for each
 * restricted type, its documents must refer to a resource whose stored facts match the type's
 * filter. Positive leaves are jsonb containment (`@>`) and key existence (`?`), which the GIN
 * index on `resources.facts` answers; the resource is found by its primary key. Undefined when
 * nothing is restricted.
 */
export function visibilitySql(visibility: SearchVisibility, resources: string, params: unknown[]): string | undefined {
  const clauses = Object.entries(visibility).map(([type, filter]) => {
    params.push(type);
    const typeParam = `$${params.length}`;
    const predicate = filterSql(filter, 'r.facts', params);
    // A correlated lookup by primary key per candidate document: its plan does not depend on the
    // table's statistics (an `IN (SELECT …)` was planned as a re-scan per document when they were
    // stale: 56-74x the host's time at 20k entities, bench run 16).
    return `(d.type <> ${typeParam} OR EXISTS (SELECT 1 FROM ${resources} r WHERE r.ref = d.resource_ref AND ${predicate}))`;
  });
  return clauses.length > 0 ? clauses.join(' AND ') : undefined;
}

/** One entity filter over a jsonb facts column, as catalog-model's `matchesEntityFilter` evaluates it. */
function filterSql(filter: EntityFilter, facts: string, params: unknown[]): string {
  if ('allOf' in filter) {
    return filter.allOf.length === 0 ? 'TRUE' : `(${filter.allOf.map((f) => filterSql(f, facts, params)).join(' AND ')})`;
  }
  if ('anyOf' in filter) {
    return filter.anyOf.length === 0 ? 'FALSE' : `(${filter.anyOf.map((f) => filterSql(f, facts, params)).join(' OR ')})`;
  }
  if ('not' in filter) return `(NOT ${filterSql(filter.not, facts, params)})`;
  // Facts were stored in storable text (buildEntitySearch); a filter is compared in the same form.
  const key = toStorableText(filter.key);
  if ('prefix' in filter) {
    params.push(key, toStorableText(filter.prefix));
    return `EXISTS (SELECT 1 FROM jsonb_array_elements_text(${facts} -> $${params.length - 1}) AS v(value) WHERE starts_with(v.value, $${params.length}))`;
  }
  if (!filter.values) {
    params.push(key);
    return `(${facts} ? $${params.length})`;
  }
  if (filter.values.length === 0) return 'FALSE';
  const alternatives = filter.values.map((value) => {
    params.push(JSON.stringify({ [key]: [toStorableText(value)] }));
    return `${facts} @> $${params.length}::jsonb`;
  });
  return `(${alternatives.join(' OR ')})`;
}
