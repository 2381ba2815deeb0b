import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entity } from '../model/index.js';
import { stitchEntity } from '../processing/stitcher.js';
import type { CatalogStore, FinalEntityRow, RefreshState } from './types.js';

/**
 * Options of {@link runStoreContract}.
 * @example
 * ```ts
 * runStoreContract({ name: 'memory', create: async () => ({ store: memoryStore() }) });
 * ```
 */
export interface StoreContractOptions {
  name: string;
  /** A fresh, empty store per test; `close` (if given) runs after it. */
  create: () => Promise<{ store: CatalogStore; close?: () => Promise<void> }>;
}

const component = (name: string, extra: { spec?: Record<string, unknown>; tags?: string[]; namespace?: string; title?: string } = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    ...(extra.namespace ? { namespace: extra.namespace } : { namespace: 'default' }),
    ...(extra.tags ? { tags: extra.tags } : {}),
    ...(extra.title ? { title: extra.title } : {}),
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...extra.spec },
});

const row = (entity: Entity, relations: { type: string; targetRef: string }[] = []): FinalEntityRow =>
  stitchEntity(
    {
      entityRef: `${entity.kind.toLowerCase()}:${(entity.metadata.namespace ?? 'default').toLowerCase()}/${entity.metadata.name.toLowerCase()}`,
      processed: entity,
      errors: [],
      orphan: false,
    },
    relations,
  );

const state = (ref: string, extra: Partial<RefreshState> = {}): RefreshState => ({
  entityRef: ref,
  parentRefs: [],
  unprocessed: component(ref.split('/')[1] ?? 'x'),
  errors: [],
  relations: [],
  refreshKeys: [],
  hash: '',
  ...extra,
});

const names = (rows: FinalEntityRow[]) => rows.map((r) => r.entity.metadata.name);

/**
 * The shared behaviour every {@link CatalogStore} must have. Call it from a test file; it
 * declares a vitest `describe` block with one `it` per rule.
 *
 * @example
 * ```ts
 * // stores/pglite.test.ts
 * runStoreContract({ name: 'pglite', create: async () => { const s = await pgliteStore(); return { store: s, close: s.close }; } });
 * ```
 */
export function runStoreContract(options: StoreContractOptions): void {
  describe(`CatalogStore contract: ${options.name}`, () => {
    let store: CatalogStore;
    let close: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      const created = await options.create();
      store = created.store;
      close = created.close;
    });
    afterEach(async () => {
      await close?.();
    });

    const seed = async (rows: FinalEntityRow[]) => store.transaction(async (tx) => tx.putEntities(rows));

    it('stores, lists (oldest first) and deletes locations', async () => {
      await store.transaction(async (tx) => {
        await tx.putLocation({ id: 'b', type: 'file', target: '/b.yaml', createdAt: '2026-01-02T00:00:00.000Z' });
        await tx.putLocation({ id: 'a', type: 'url', target: 'https://x/a.yaml', createdAt: '2026-01-01T00:00:00.000Z' });
      });
      expect((await store.listLocations()).map((l) => l.id)).toEqual(['a', 'b']);
      await store.transaction(async (tx) => tx.deleteLocation('a'));
      expect(await store.listLocations()).toEqual([{ id: 'b', type: 'file', target: '/b.yaml', createdAt: '2026-01-02T00:00:00.000Z' }]);
    });

    it('writes nothing from a failed transaction', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.putLocation({ id: 'x', type: 'file', target: '/x', createdAt: '2026-01-01T00:00:00.000Z' });
          await tx.putRefreshStates([state('component:default/a')]);
          await tx.putEntities([row(component('a'))]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.listLocations()).toEqual([]);
      expect(await store.getRefreshStates({ all: true })).toEqual([]);
      expect(await store.getEntities({ refs: ['component:default/a'] })).toEqual([]);
      // The store still works after a failed batch.
      await seed([row(component('b'))]);
      expect(names(await store.getEntities({ refs: ['component:default/b'] }))).toEqual(['b']);
    });

    it('selects refresh states by ref, parent, root and refresh key', async () => {
      await store.transaction(async (tx) =>
        tx.putRefreshStates([
          state('location:default/root', { rootKey: 'location:1' }),
          state('component:default/a', { parentRefs: ['location:default/root'], locationKey: 'file:/a.yaml', refreshKeys: ['k1'] }),
          state('component:default/b', { parentRefs: ['location:default/root', 'location:default/other'] }),
        ]),
      );
      const refs = (rows: RefreshState[]) => rows.map((r) => r.entityRef).sort();
      expect(refs(await store.getRefreshStates({ refs: ['component:default/a', 'component:default/nope'] }))).toEqual(['component:default/a']);
      expect(refs(await store.getRefreshStates({ parentRefs: ['location:default/root'] }))).toEqual(['component:default/a', 'component:default/b']);
      expect(refs(await store.getRefreshStates({ parentRefs: ['location:default/other'] }))).toEqual(['component:default/b']);
      expect(refs(await store.getRefreshStates({ rootKeys: ['location:1'] }))).toEqual(['location:default/root']);
      expect(refs(await store.getRefreshStates({ refreshKeys: ['k1'] }))).toEqual(['component:default/a']);
      expect(await store.getRefreshStates({})).toEqual([]);
      expect((await store.getRefreshStates({ all: true })).length).toBe(3);
      const [a] = await store.getRefreshStates({ refs: ['component:default/a'] });
      expect(a).toMatchObject({ locationKey: 'file:/a.yaml', parentRefs: ['location:default/root'], refreshKeys: ['k1'] });
      // Replacing a row re-indexes it.
      await store.transaction(async (tx) => tx.putRefreshStates([state('component:default/a', { parentRefs: [] })]));
      expect(refs(await store.getRefreshStates({ parentRefs: ['location:default/root'] }))).toEqual(['component:default/b']);
      expect(await store.getRefreshStates({ refreshKeys: ['k1'] })).toEqual([]);
    });

    it('keeps relations per originating entity and replaces them with it', async () => {
      await store.transaction(async (tx) =>
        tx.putRefreshStates([
          state('component:default/a', {
            relations: [
              { sourceRef: 'component:default/a', type: 'ownedBy', targetRef: 'group:default/t' },
              { sourceRef: 'group:default/t', type: 'ownerOf', targetRef: 'component:default/a' },
            ],
          }),
          state('component:default/b', {
            relations: [{ sourceRef: 'group:default/t', type: 'ownerOf', targetRef: 'component:default/b' }],
          }),
        ]),
      );
      const forGroup = await store.getRelations({ sourceRefs: ['group:default/t'] });
      expect(forGroup.map((r) => `${r.originatingRef} ${r.type} ${r.targetRef}`).sort()).toEqual([
        'component:default/a ownerOf component:default/a',
        'component:default/b ownerOf component:default/b',
      ]);
      await store.transaction(async (tx) => tx.putRefreshStates([state('component:default/a', { relations: [] })]));
      expect((await store.getRelations({ sourceRefs: ['group:default/t', 'component:default/a'] })).map((r) => r.targetRef)).toEqual([
        'component:default/b',
      ]);
      await store.transaction(async (tx) => tx.deleteRefreshStates(['component:default/b']));
      expect(await store.getRelations({ sourceRefs: ['group:default/t'] })).toEqual([]);
    });

    it('gets final entities by ref and uid, replaces and deletes them', async () => {
      const a = row(component('a'));
      await seed([a, row(component('b'))]);
      expect(names(await store.getEntities({ uids: [a.uid] }))).toEqual(['a']);
      expect(names(await store.getEntities({ refs: ['component:default/a'], uids: [a.uid] }))).toEqual(['a']);
      await seed([row(component('a', { spec: { type: 'website' } }))]);
      const [updated] = await store.getEntities({ refs: ['component:default/a'] });
      expect(updated?.entity.spec?.type).toBe('website');
      expect((await store.queryEntities({ filter: { key: 'spec.type', values: ['service'] } })).items.map((r) => r.entityRef)).toEqual([
        'component:default/b',
      ]);
      await store.transaction(async (tx) => tx.deleteEntities(['component:default/a']));
      expect(await store.getEntities({ refs: ['component:default/a'] })).toEqual([]);
      expect((await store.queryEntities({})).items.length).toBe(1);
    });

    describe('queries', () => {
      beforeEach(async () => {
        await seed([
          row(component('alpha', { tags: ['java', 'web'], title: 'Alpha Service' }), [{ type: 'ownedBy', targetRef: 'group:default/team-a' }]),
          row(component('Beta', { spec: { type: 'website', owner: 'team-b' }, tags: ['go'] }), [
            { type: 'ownedBy', targetRef: 'group:default/team-b' },
          ]),
          row(component('gamma', { spec: { lifecycle: 'experimental' }, namespace: 'ops' })),
          row({ apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'delta', namespace: 'default' }, spec: { type: 'openapi' } }),
        ]);
      });
      const run = async (q: Parameters<CatalogStore['queryEntities']>[0]) => names((await store.queryEntities(q)).items);

      it('filters by value, case-insensitively, on arrays and relations', async () => {
        expect((await run({ filter: { key: 'kind', values: ['component'] }, order: [{ field: 'metadata.name', order: 'asc' }] }))).toEqual(['alpha', 'Beta', 'gamma']);
        expect(await run({ filter: { key: 'metadata.name', values: ['beta'] } })).toEqual(['Beta']);
        expect(await run({ filter: { key: 'metadata.tags', values: ['java'] } })).toEqual(['alpha']);
        expect(await run({ filter: { key: 'relations.ownedby', values: ['group:default/team-b'] } })).toEqual(['Beta']);
        expect(await run({ filter: { key: 'spec.type', values: ['website', 'openapi'] }, order: [{ field: 'metadata.name', order: 'asc' }] })).toEqual(['Beta', 'delta']);
      });

      it('supports existence, allOf, anyOf and not', async () => {
        const ordered = { order: [{ field: 'metadata.name', order: 'asc' as const }] };
        expect(await run({ filter: { key: 'metadata.tags' }, ...ordered })).toEqual(['alpha', 'Beta']);
        expect(
          await run({ filter: { allOf: [{ key: 'kind', values: ['component'] }, { key: 'spec.type', values: ['service'] }] }, ...ordered }),
        ).toEqual(['alpha', 'gamma']);
        expect(
          await run({ filter: { anyOf: [{ key: 'kind', values: ['api'] }, { key: 'metadata.namespace', values: ['ops'] }] }, ...ordered }),
        ).toEqual(['delta', 'gamma']);
        expect(await run({ filter: { not: { key: 'kind', values: ['component'] } } })).toEqual(['delta']);
        expect(await run({ filter: { not: { key: 'metadata.tags' } }, ...ordered })).toEqual(['delta', 'gamma']);
      });

      it('orders by any field with missing values last, pages by offset and counts', async () => {
        expect(await run({ order: [{ field: 'metadata.title', order: 'asc' }, { field: 'metadata.name', order: 'asc' }] })).toEqual([
          'alpha',
          'Beta',
          'delta',
          'gamma',
        ]);
        expect(await run({ order: [{ field: 'metadata.title', order: 'desc' }, { field: 'metadata.name', order: 'desc' }] })).toEqual([
          'alpha',
          'gamma',
          'delta',
          'Beta',
        ]);
        const page = await store.queryEntities({ order: [{ field: 'metadata.name', order: 'asc' }], offset: 1, limit: 2, includeTotal: true });
        expect(names(page.items)).toEqual(['Beta', 'delta']);
        expect(page.totalItems).toBe(4);
        expect(page.sortKeys).toEqual([['beta'], ['delta']]);
      });

      it('continues after a sort key, stable under concurrent writes', async () => {
        const order = [{ field: 'metadata.name', order: 'asc' as const }];
        const first = await store.queryEntities({ order, limit: 2 });
        expect(names(first.items)).toEqual(['alpha', 'Beta']);
        // A write before the cursor must not shift the next page.
        await seed([row(component('aardvark'))]);
        const last = first.items.length - 1;
        const second = await store.queryEntities({ order, limit: 2, after: { values: first.sortKeys[last]!, uid: first.items[last]!.uid } });
        expect(names(second.items)).toEqual(['delta', 'gamma']);
      });

      it('matches full text in chosen fields', async () => {
        expect(await run({ fullText: { term: 'ALPHA serv', fields: ['metadata.title'] } })).toEqual(['alpha']);
        expect(await run({ fullText: { term: 'ta', fields: ['metadata.name'] }, order: [{ field: 'metadata.name', order: 'asc' }] })).toEqual([
          'Beta',
          'delta',
        ]);
      });

      it('counts facets over matching entities, keeping the written case', async () => {
        expect(await store.entityFacets({ facets: ['kind', 'metadata.tags'] })).toEqual({
          kind: [
            { value: 'Component', count: 3 },
            { value: 'API', count: 1 },
          ],
          'metadata.tags': [
            { value: 'go', count: 1 },
            { value: 'java', count: 1 },
            { value: 'web', count: 1 },
          ],
        });
        expect(await store.entityFacets({ facets: ['spec.type'], filter: { key: 'kind', values: ['component'] } })).toEqual({
          'spec.type': [
            { value: 'service', count: 2 },
            { value: 'website', count: 1 },
          ],
        });
      });
    });
  });
}
