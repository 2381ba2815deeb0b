import type { ValueIndex } from './value-index.js';

/** Uids with a value containing `term` under one of `fields`: a scan of distinct values, not of entities. */
export function textMatches({ valuesOf }: ValueIndex, term: string, fields: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const field of new Set(fields)) {
    for (const [value, bag] of valuesOf(field) ?? []) {
      if (!value.includes(term)) continue;
      if (typeof bag === 'string') out.add(bag);
      else for (const uid of bag) out.add(uid);
    }
  }
  return out;
}
