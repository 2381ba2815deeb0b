import type { TaskFilter } from '../../permissions/taskFilter.js';

/**
 * Whether a text column can hold `value`: PostgreSQL rejects a NUL in text (the whole statement
 * fails with a raw error). No row holds one, so a lookup by such a value (a library caller's
 * `getTask('\0')`) is answered as for any unknown id, the way the memory store answers it.
 */
export const holdable = (value: unknown): value is string => typeof value === 'string' && !value.includes('\u0000');

/**
 * A {@link TaskFilter} as a SQL condition, its values appended to `params`. It means what
 * `taskMatchesFilter` means: a task without `created_by` matches no `createdBy` leaf (so `not`
 * of one matches it: COALESCE keeps NULL out of the logic); `allOf: []` is true, `anyOf: []` false.
 */
export function filterSql(filter: TaskFilter, params: unknown[]): string {
  if ('allOf' in filter) return filter.allOf.length ? `(${filter.allOf.map((f) => filterSql(f, params)).join(' AND ')})` : 'true';
  if ('anyOf' in filter) return filter.anyOf.length ? `(${filter.anyOf.map((f) => filterSql(f, params)).join(' OR ')})` : 'false';
  if ('not' in filter) return `(NOT ${filterSql(filter.not, params)})`;
  // A value no column can hold matches no row.
  params.push(filter.createdBy.filter(holdable));
  return `COALESCE(created_by = ANY($${params.length}::text[]), false)`;
}
