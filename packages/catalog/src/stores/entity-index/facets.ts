import type { EntityFilter } from '../../query/types.js';
import { bagSize } from './bag.js';
import type { FilterIndex } from './filters.js';
import type { ValueIndex } from './value-index.js';

/** Value counts per facet key among the entities matching `filter` (all when undefined). */
export function countFacets(
  { byUid, originals, valuesOf }: ValueIndex,
  { candidates, compile }: FilterIndex,
  facetKeys: readonly string[],
  filter: EntityFilter | undefined,
) {
  let matching: ReadonlySet<string> | undefined;
  if (filter) {
    const cand = candidates(filter);
    if (cand.exact && cand.set !== 'all') matching = cand.set;
    else {
      const set = new Set<string>();
      const match = cand.exact ? () => true : compile(filter, cand.covered);
      for (const uid of cand.set === 'all' ? byUid.keys() : cand.set) if (match(uid)) set.add(uid);
      matching = set;
    }
  }
  const out: Record<string, { value: string; count: number }[]> = {};
  for (const facet of facetKeys) {
    const key = facet.toLowerCase();
    const counts: { value: string; count: number }[] = [];
    for (const [value, bag] of valuesOf(key) ?? []) {
      let count = 0;
      if (!matching) count = bagSize(bag);
      else if (typeof bag === 'string') count = matching.has(bag) ? 1 : 0;
      else if (bag.size < matching.size) {
        for (const uid of bag) if (matching.has(uid)) count++;
      } else for (const uid of matching) if (bag.has(uid)) count++;
      if (count > 0) counts.push({ value: originals.get(key)?.get(value) ?? value, count });
    }
    counts.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    out[facet] = counts;
  }
  return out;
}
