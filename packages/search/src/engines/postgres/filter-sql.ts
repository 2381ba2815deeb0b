import type { NormalizedQuery } from '../../query.js';

/** Facet filters as SQL: per field, containment of any wanted value (uses the jsonb GIN index). */
export function filterSql(q: NormalizedQuery, params: unknown[]): string | undefined {
  const clauses = q.filters.map(([field, values]) => {
    const alternatives = values.map((value) => {
      params.push(JSON.stringify({ [field]: [value] }));
      return `d.facets @> $${params.length}::jsonb`;
    });
    return `(${alternatives.join(' OR ')})`;
  });
  return clauses.length > 0 ? clauses.join(' AND ') : undefined;
}
