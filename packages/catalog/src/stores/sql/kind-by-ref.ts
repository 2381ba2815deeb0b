import type { EntityFilter } from '../../query/types.js';

/**
 * Kind filters answered from the entity ref instead of a join on the kind's search rows.
 *
 * An entity's ref is `kind:namespace/name`, lowercased, and its `kind` search row holds the
 * same lowercased kind; so "kind is `component`" is "the ref starts with `component:`", a
 * range on the `entity_ref` that every search index already carries. A facet or count over
 * 80k components then reads one index range instead of hashing 80k refs and probing the hash
 * once per facet row (212 ms -> about 40 ms at 100k entities; see docs/stores-internals.md).
 *
 * The equivalence fails only for an entity whose kind contains `:` (its ref cannot be parsed
 * back either) or whose kind row has no value (longer than a search value may be). Such
 * entities are rare but a catalog author can write them, and a permission condition on kind
 * must not be fooled by one. Their refs sit in a partial index (migration 6, usually empty);
 * every statement using the ref form is gated on that index being empty, with the join form
 * as the other branch of the statement, so one snapshot decides and the answer is exact.
 */

// The value a search row may hold (buildEntitySearch drops longer ones to null).
const maxValueLength = 200;

/** The rows of entities whose ref does not tell their kind; must match migration 6's index predicate. */
export const oddKindRowsSql = (s: string) =>
  `SELECT 1 FROM ${s}.search x WHERE x.key = 'kind' AND (x.value IS NULL OR strpos(x.value, ':') > 0)`;

/** Whether a kind value can be matched by ref range: a stored kind value, lowercase, without `:`. */
export const refKindValue = (value: string) =>
  value.length > 0 && value.length <= maxValueLength && !value.includes(':') && value === value.toLowerCase();

/** Whether `filter` has a kind leaf that the ref form answers (so the statement is worth gating). */
export function hasRefKindLeaf(filter: EntityFilter | undefined): boolean {
  if (!filter) return false;
  if ('allOf' in filter) return filter.allOf.some(hasRefKindLeaf);
  if ('anyOf' in filter) return filter.anyOf.some(hasRefKindLeaf);
  if ('not' in filter) return hasRefKindLeaf(filter.not);
  if ('prefix' in filter) return false;
  return filter.key === 'kind' && !!filter.values?.length && filter.values.every(refKindValue);
}

/**
 * The two gates of a statement written in both forms: the ref form runs when no entity's ref
 * hides its kind, the join form otherwise (each is a one-time filter: the other branch is
 * never executed).
 */
export function kindGates(s: string): { byRef: string; byRows: string } {
  return { byRef: `NOT EXISTS (${oddKindRowsSql(s)})`, byRows: `EXISTS (${oddKindRowsSql(s)})` };
}

/**
 * The ref ranges of kind `values` (see {@link refKindValue}) over `fe.entity_ref`, its bounds
 * added with `add`: `[kind + ':', kind + ';')` in byte order (";" follows ":").
 */
export function kindRangeSql(values: readonly string[], add: (value: unknown) => string): string {
  const ranges = values.map((v) => `(fe.entity_ref >= ${add(`${v}:`)} AND fe.entity_ref < ${add(`${v};`)})`);
  return ranges.length === 1 ? ranges[0]! : `(${ranges.join(' OR ')})`;
}

/**
 * A statement in both forms when `filter` has a kind leaf the ref form answers: `branch(true,
 * gate)` and `branch(false, gate)` joined by UNION ALL, exactly one of them running; otherwise
 * `branch(false)` alone. Each branch must add `gate` (when given) to its WHERE conditions.
 */
export function eitherKindForm(s: string, filter: EntityFilter | undefined, branch: (byRef: boolean, gate?: string) => string): string {
  if (!hasRefKindLeaf(filter)) return branch(false);
  const gates = kindGates(s);
  return `(${branch(true, gates.byRef)}) UNION ALL (${branch(false, gates.byRows)})`;
}
