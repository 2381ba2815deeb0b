import type { EntityFilter } from '../../query/types.js';
import { bagHas, bagSet } from './bag.js';
import type { Bag } from './bag.js';
import type { ValueIndex } from './value-index.js';

/** `covered`: the allOf child whose exact matches `set` is, so matching need not check it again. */
export type Candidates = { set: ReadonlySet<string> | 'all'; exact: boolean; covered?: EntityFilter };

/** Filters answered from the value index, without looking at entities. */
export interface FilterIndex {
  /** The filter as a predicate on uids (see `compile` below). */
  compile(filter: EntityFilter, covered?: EntityFilter): (uid: string) => boolean;
  /** A superset of the matches (or the exact set). */
  candidates(filter: EntityFilter): Candidates;
  /** The exact sets whose intersection is the matches, when the filter is a pure conjunction. */
  conjunctionSets(filter: EntityFilter): ReadonlySet<string>[] | undefined;
}

/** Filter evaluation over a {@link ValueIndex}: candidate sets and compiled predicates. */
export function createFilterIndex({ keySetOf, valuesOf }: ValueIndex): FilterIndex {
  /**
   * A filter as a function of a uid, with its index lookups done once: checking the 27k
   * candidates of a two-leaf filter is then one Set lookup each, not eight Map lookups.
   * `covered` is a child of a top-level allOf that the candidates already satisfy.
   */
  function compile(filter: EntityFilter, covered?: EntityFilter): (uid: string) => boolean {
    // One-child groups pass `covered` through, as candidates() does (parsed queries arrive as
    // anyOf[allOf[...]]).
    if ('allOf' in filter && filter.allOf.length === 1 && filter.allOf[0] !== covered) return compile(filter.allOf[0]!, covered);
    if ('anyOf' in filter && filter.anyOf.length === 1) return compile(filter.anyOf[0]!, covered);
    if ('allOf' in filter) {
      const parts = filter.allOf.filter((f) => f !== covered).map((f) => compile(f));
      if (parts.length === 1) return parts[0]!;
      return (uid) => {
        for (const part of parts) if (!part(uid)) return false;
        return true;
      };
    }
    if ('anyOf' in filter) {
      const parts = filter.anyOf.map((f) => compile(f));
      return (uid) => {
        for (const part of parts) if (part(uid)) return true;
        return false;
      };
    }
    if ('not' in filter) {
      const inner = compile(filter.not);
      return (uid) => !inner(uid);
    }
    if ('prefix' in filter) {
      const set = prefixSet(filter.key, filter.prefix);
      return (uid) => set.has(uid);
    }
    if (!filter.values) {
      const set = keySetOf(filter.key);
      return set ? (uid) => set.has(uid) : () => false;
    }
    const byValue = valuesOf(filter.key);
    const bags = byValue ? filter.values.map((v) => byValue.get(v)).filter((b): b is Bag => b !== undefined) : [];
    if (bags.length === 0) return () => false;
    if (bags.length === 1) {
      const bag = bags[0]!;
      return typeof bag === 'string' ? (uid) => uid === bag : (uid) => bag.has(uid);
    }
    return (uid) => bags.some((b) => bagHas(b, uid));
  }

  /** Entities with a value of `key` starting with `prefix`: a walk over the key's distinct values. */
  function prefixSet(key: string, prefix: string): ReadonlySet<string> {
    const out = new Set<string>();
    for (const [value, bag] of valuesOf(key) ?? []) {
      if (value.startsWith(prefix)) for (const uid of bagSet(bag)) out.add(uid);
    }
    return out;
  }

  /** A superset of the matches (or the exact set), found without looking at entities. */
  function candidates(filter: EntityFilter): Candidates {
    if ('allOf' in filter) {
      if (filter.allOf.length === 1) return candidates(filter.allOf[0]!);
      let best: Candidates = { set: 'all', exact: false };
      let bestChild: EntityFilter | undefined;
      for (const child of filter.allOf) {
        const c = candidates(child);
        if (c.set !== 'all' && (best.set === 'all' || c.set.size < best.set.size)) {
          best = c;
          bestChild = child;
        }
      }
      return { set: best.set, exact: false, ...(best.exact && bestChild ? { covered: bestChild } : {}) };
    }
    if ('anyOf' in filter) {
      if (filter.anyOf.length === 1) return candidates(filter.anyOf[0]!);
      const parts = filter.anyOf.map(candidates);
      if (parts.some((p) => p.set === 'all')) return { set: 'all', exact: false };
      const union = new Set<string>();
      for (const p of parts) for (const uid of p.set as ReadonlySet<string>) union.add(uid);
      return { set: union, exact: parts.every((p) => p.exact) };
    }
    if ('not' in filter) return { set: 'all', exact: false };
    if ('prefix' in filter) return { set: prefixSet(filter.key, filter.prefix), exact: true };
    if (!filter.values) return { set: keySetOf(filter.key) ?? new Set(), exact: true };
    const byValue = valuesOf(filter.key);
    if (!byValue) return { set: new Set(), exact: true };
    if (filter.values.length === 1) return { set: bagSet(byValue.get(filter.values[0]!)), exact: true };
    const union = new Set<string>();
    for (const v of filter.values) for (const uid of bagSet(byValue.get(v))) union.add(uid);
    return { set: union, exact: true };
  }

  /**
   * The exact uid sets whose intersection is the filter's matches, when the filter is a
   * conjunction of index lookups (no `not`, no `anyOf` over inexact parts); else undefined.
   */
  function conjunctionSets(filter: EntityFilter): ReadonlySet<string>[] | undefined {
    if ('allOf' in filter) {
      const out: ReadonlySet<string>[] = [];
      for (const child of filter.allOf) {
        const sets = conjunctionSets(child);
        if (!sets) return undefined;
        out.push(...sets);
      }
      return out;
    }
    if ('anyOf' in filter && filter.anyOf.length === 1) return conjunctionSets(filter.anyOf[0]!);
    const c = candidates(filter);
    return c.exact && c.set !== 'all' ? [c.set] : undefined;
  }

  return { compile, candidates, conjunctionSets };
}
