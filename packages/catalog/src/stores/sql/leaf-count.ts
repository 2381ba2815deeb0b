import type { EntityFilter } from '../../query/types.js';

/**
 * A total counted from one leaf's search rows: for a filter that requires `key = value` (one
 * value, at the top of the filter), the matching entities are among that value's rows, one row
 * per entity (rows are unique per entity, key and value since migration 5), so the count reads
 * those rows from the `(key, value, entity_ref)` index and checks the rest of the filter on
 * each, instead of walking every entity's primary key. `kind` is the last choice: another
 * leaf's rows are usually fewer, and a kind leaf is a ref range anyway (kind-by-ref.ts).
 */
export interface DrivingLeaf {
  key: string;
  value: string;
  /** The filter without the leaf (undefined: nothing else to check). */
  rest: EntityFilter | undefined;
}

/** The leaf a count may start from, or undefined when the filter requires no single `key = value`. */
export function drivingLeaf(filter: EntityFilter | undefined): DrivingLeaf | undefined {
  let top = filter;
  // Parsed queries arrive as anyOf[allOf[...]]; one-child groups mean their child.
  while (top && 'anyOf' in top && top.anyOf.length === 1) top = top.anyOf[0];
  if (!top) return undefined;
  const parts = 'allOf' in top ? top.allOf : [top];
  const single = (f: EntityFilter) => 'key' in f && !('prefix' in f) && f.values?.length === 1;
  let index = parts.findIndex((f) => single(f) && (f as { key: string }).key !== 'kind');
  if (index < 0) index = parts.findIndex(single);
  if (index < 0) return undefined;
  const leaf = parts[index] as { key: string; values: string[] };
  const others = parts.filter((_, i) => i !== index);
  return { key: leaf.key, value: leaf.values[0]!, rest: others.length === 0 ? undefined : others.length === 1 ? others[0] : { allOf: others } };
}
