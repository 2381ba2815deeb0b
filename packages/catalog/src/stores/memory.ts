import { assertFacetsQuery, assertLocationText, assertLookupKeys, assertQueryText, assertStoreQuery } from '../query/query-text.js';
import { createEntityIndex } from './entity-index/index.js';
import { assertGraphQuery } from './graph-query-text.js';
import type {
  CatalogStore,
  CatalogStoreTransaction,
  RefreshState,
  StoredLocation,
  StoredRelation,
} from './types.js';

type Op = () => void;

/**
 * A {@link CatalogStore} kept in process memory: zero setup, fast, gone on exit. Writes of a
 * transaction are queued and applied together only when it succeeds. Final entities are indexed
 * (key -> value -> uids) so filter queries stay fast at 100k entities.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ store: memoryStore() });
 * ```
 */
export function memoryStore(): CatalogStore {
  const locations = new Map<string, StoredLocation>();
  const states = new Map<string, RefreshState>();
  const byParent = new Map<string, Set<string>>();
  const byRoot = new Map<string, Set<string>>();
  const byRefreshKey = new Map<string, Set<string>>();
  // sourceRef -> the refs whose refresh state holds a relation from it. The relations themselves
  // stay in those states only: a second copy per relation was ~1 kB per entity at 100k.
  const relationsBySource = new Map<string, Set<string>>();
  const entities = createEntityIndex();
  let queue: Promise<unknown> = Promise.resolve();

  const link = (index: Map<string, Set<string>>, key: string, ref: string) => {
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(ref);
  };
  const unlink = (index: Map<string, Set<string>>, key: string, ref: string) => {
    const set = index.get(key);
    set?.delete(ref);
    if (set && set.size === 0) index.delete(key);
  };

  function removeState(ref: string) {
    const old = states.get(ref);
    if (!old) return;
    states.delete(ref);
    for (const p of old.parentRefs) unlink(byParent, p, ref);
    if (old.rootKey) unlink(byRoot, old.rootKey, ref);
    for (const k of old.refreshKeys) unlink(byRefreshKey, k, ref);
    for (const r of old.relations) unlink(relationsBySource, r.sourceRef, ref);
  }

  function putState(row: RefreshState) {
    removeState(row.entityRef);
    states.set(row.entityRef, row);
    for (const p of row.parentRefs) link(byParent, p, row.entityRef);
    if (row.rootKey) link(byRoot, row.rootKey, row.entityRef);
    for (const k of row.refreshKeys) link(byRefreshKey, k, row.entityRef);
    for (const r of row.relations) link(relationsBySource, r.sourceRef, row.entityRef);
  }

  return {
    async listLocations() {
      return [...locations.values()].sort((a, b) =>
        a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
      );
    },
    async getRefreshStates(selector) {
      assertLookupKeys(selector);
      if (selector.all) return [...states.values()];
      const refs = new Set<string>();
      for (const ref of selector.refs ?? []) if (states.has(ref)) refs.add(ref);
      for (const p of selector.parentRefs ?? []) for (const ref of byParent.get(p) ?? []) refs.add(ref);
      for (const k of selector.rootKeys ?? []) for (const ref of byRoot.get(k) ?? []) refs.add(ref);
      for (const k of selector.refreshKeys ?? []) for (const ref of byRefreshKey.get(k) ?? []) refs.add(ref);
      return [...refs].map((ref) => states.get(ref)!);
    },
    async getRelations({ sourceRefs }) {
      assertLookupKeys({ sourceRefs });
      const out: StoredRelation[] = [];
      for (const source of new Set(sourceRefs)) {
        for (const origin of relationsBySource.get(source) ?? []) {
          for (const r of states.get(origin)!.relations) {
            if (r.sourceRef === source) out.push({ originatingRef: origin, sourceRef: r.sourceRef, type: r.type, targetRef: r.targetRef });
          }
        }
      }
      return out;
    },
    async getEntities({ refs, uids }) {
      assertLookupKeys({ refs, uids });
      const out = new Map<string, ReturnType<typeof entities.getByRef>>();
      for (const ref of refs ?? []) {
        const row = entities.getByRef(ref);
        if (row) out.set(row.uid, row);
      }
      for (const uid of uids ?? []) {
        const row = entities.getByUid(uid);
        if (row) out.set(row.uid, row);
      }
      return [...out.values()].filter((r) => r !== undefined);
    },
    async queryEntities(query) {
      assertStoreQuery(query);
      return entities.query(query);
    },
    async queryGraph(query) {
      assertGraphQuery(query);
      return entities.graph(query);
    },
    async entityFacets({ facets, filter }) {
      assertFacetsQuery({ facets, ...(filter ? { filter } : {}) });
      return entities.facets(facets, filter);
    },
    async transaction(fn) {
      // Transactions run one at a time so a batch is applied against the state it was built on.
      const run = queue.then(async () => {
        const ops: Op[] = [];
        let open = true;
        const guard = (name: string) => {
          if (!open) throw new Error(`memoryStore: ${name}() called after the transaction ended`);
        };
        const tx: CatalogStoreTransaction = {
          async putLocation(location) {
            guard('putLocation');
            assertLocationText(location);
            const copy = { ...location };
            ops.push(() => locations.set(copy.id, copy));
          },
          async deleteLocation(id) {
            guard('deleteLocation');
            assertQueryText(id, 'location id');
            ops.push(() => locations.delete(id));
          },
          async putRefreshStates(rows) {
            guard('putRefreshStates');
            const copy = [...rows];
            ops.push(() => copy.forEach(putState));
          },
          async deleteRefreshStates(refs) {
            guard('deleteRefreshStates');
            const copy = [...refs];
            ops.push(() => copy.forEach(removeState));
          },
          async putEntities(rows) {
            guard('putEntities');
            const copy = [...rows];
            ops.push(() => entities.put(copy));
          },
          async deleteEntities(refs) {
            guard('deleteEntities');
            const copy = [...refs];
            ops.push(() => entities.delete(copy));
          },
        };
        try {
          const result = await fn(tx);
          for (const op of ops) op();
          return result;
        } finally {
          open = false;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
