import type { EntityFilterQuery } from '@portalkit/catalog';
import type { Entity } from '@portalkit/catalog-model';
import { compileFilter, entityLookup } from './filter.js';
import type { EntityPredicate } from './filter.js';

/** A result's identity: which scorecard on which entity. */
export interface ResultKey {
  scorecardId: string;
  entityRef: string;
}

/**
 * Which results read which entities (and which query filters), so a catalog change re-evaluates
 * exactly the results that could see it.
 */
export interface DependencyIndex {
  /** Replace what one result depends on. */
  set(key: ResultKey, refs: Iterable<string>, filters?: readonly EntityFilterQuery[]): void;
  delete(key: ResultKey): void;
  /** Forget every result of a scorecard. */
  deleteScorecard(scorecardId: string): void;
  /** Results that read `ref`, or whose query filters match `entity` (the entity's new version). */
  dependents(ref: string, entity?: Entity): ResultKey[];
}

const SEP = '\u0000';
const keyOf = (k: ResultKey) => `${k.scorecardId}${SEP}${k.entityRef}`;
const parseKey = (s: string): ResultKey => {
  const i = s.indexOf(SEP);
  return { scorecardId: s.slice(0, i), entityRef: s.slice(i + 1) };
};

/** Create an empty {@link DependencyIndex}. */
export function createDependencyIndex(): DependencyIndex {
  const byRef = new Map<string, Set<string>>();
  const refsOf = new Map<string, string[]>();
  // Distinct filters, each with the results that ran it; few in practice (one per check kind).
  const filters = new Map<string, { predicate: EntityPredicate; results: Set<string> }>();
  const filtersOf = new Map<string, string[]>();

  const remove = (key: string) => {
    for (const ref of refsOf.get(key) ?? []) {
      const set = byRef.get(ref);
      set?.delete(key);
      if (set?.size === 0) byRef.delete(ref);
    }
    refsOf.delete(key);
    for (const f of filtersOf.get(key) ?? []) {
      const entry = filters.get(f);
      entry?.results.delete(key);
      if (entry?.results.size === 0) filters.delete(f);
    }
    filtersOf.delete(key);
  };

  return {
    set(k, refs, queryFilters = []) {
      const key = keyOf(k);
      remove(key);
      const list = [...new Set(refs)];
      if (list.length) refsOf.set(key, list);
      for (const ref of list) {
        let set = byRef.get(ref);
        if (!set) byRef.set(ref, (set = new Set()));
        set.add(key);
      }
      const distinct = new Map(queryFilters.map((f) => [JSON.stringify(f, (_, v: unknown) => (typeof v === 'symbol' ? '\u0000exists' : v)), f]));
      if (distinct.size) filtersOf.set(key, [...distinct.keys()]);
      for (const [f, filter] of distinct) {
        let entry = filters.get(f);
        if (!entry) filters.set(f, (entry = { predicate: compileFilter(filter, 'check query'), results: new Set() }));
        entry.results.add(key);
      }
    },
    delete(k) {
      remove(keyOf(k));
    },
    deleteScorecard(scorecardId) {
      const prefix = `${scorecardId}${SEP}`;
      for (const key of [...refsOf.keys(), ...filtersOf.keys()]) if (key.startsWith(prefix)) remove(key);
    },
    dependents(ref, entity) {
      const out = new Set(byRef.get(ref) ?? []);
      if (entity && filters.size) {
        const lookup = entityLookup(entity);
        for (const entry of filters.values()) if (entry.predicate(lookup)) for (const key of entry.results) out.add(key);
      }
      return [...out].map(parseKey);
    },
  };
}
