import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalog } from '../create-catalog.js';
import type { Entity } from '@portalkit/catalog-model';
import type { EntityFilter } from '../query/types.js';
import type { EntityProviderConnection } from '../processing/provider.js';
import { stitchEntity } from '../processing/stitcher.js';
import { component, names, row, type StoreCaseContext } from './contract-fixtures.js';
import { queryEdgeCases } from './contract-query-edges.js';
import { graphCases } from './graph-contract.js';
import type { CatalogStore, RefreshState } from './types.js';

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

/** Random letters and digits: text no compression shortens. */
const longText = (length: number) => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
};


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

    const ctx: StoreCaseContext = {
      // A getter: each test gets a fresh store, made after the cases are declared.
      get store() {
        return store;
      },
      seed: async (rows) => store.transaction(async (tx) => tx.putEntities(rows)),
    };
    locationAndRoundTripCases(ctx);
    transactionCases(ctx);
    readCases(ctx);
    queryCases(ctx);
    queryEdgeCases(ctx);
    catalogApiCases(ctx);
    describe('relation graph', () => graphCases(ctx));
  });
}


/** Locations, long keys and failed transactions; then the exact round-trip cases. */
function locationAndRoundTripCases(ctx: StoreCaseContext): void {
  const { seed } = ctx;
  it('stores, lists (oldest first) and deletes locations', async () => {
    await ctx.store.transaction(async (tx) => {
      await tx.putLocation({ id: 'b', type: 'file', target: '/b.yaml', createdAt: '2026-01-02T00:00:00.000Z' });
      await tx.putLocation({ id: 'a', type: 'url', target: 'https://x/a.yaml', createdAt: '2026-01-01T00:00:00.000Z' });
    });
    expect((await ctx.store.listLocations()).map((l) => l.id)).toEqual(['a', 'b']);
    await ctx.store.transaction(async (tx) => tx.deleteLocation('a'));
    expect(await ctx.store.listLocations()).toEqual([{ id: 'b', type: 'file', target: '/b.yaml', createdAt: '2026-01-02T00:00:00.000Z' }]);
  });

  it('stores and finds a location target and refresh keys of 10,000 characters (indexed by hash on SQL)', async () => {
    // Random text: PostgreSQL compresses long index values, so a repeated letter would fit.
    const target = `https://x/${longText(10_000)}.yaml`;
    const key = `url:${target}`;
    await ctx.store.transaction(async (tx) => {
      await tx.putLocation({ id: 'long', type: 'url', target, createdAt: '2026-01-01T00:00:00.000Z' });
      await tx.putLocation({ id: 'short', type: 'url', target: 'https://x/a.yaml', createdAt: '2026-01-02T00:00:00.000Z' });
      await tx.putRefreshStates([state('component:default/a', { refreshKeys: [key, 'k1'] }), state('component:default/b', { refreshKeys: ['k1'] })]);
    });
    expect((await ctx.store.listLocations()).map((l) => [l.id, l.target])).toEqual([
      ['long', target],
      ['short', 'https://x/a.yaml'],
    ]);
    expect((await ctx.store.getRefreshStates({ refreshKeys: [key] })).map((r) => r.entityRef)).toEqual(['component:default/a']);
    expect((await ctx.store.getRefreshStates({ refreshKeys: [`${key}x`] })).map((r) => r.entityRef)).toEqual([]);
    expect((await ctx.store.getRefreshStates({ refreshKeys: ['k1'] })).map((r) => r.entityRef).sort()).toEqual(['component:default/a', 'component:default/b']);
    await ctx.store.transaction(async (tx) => tx.putRefreshStates([state('component:default/a', { refreshKeys: [] })]));
    expect(await ctx.store.getRefreshStates({ refreshKeys: [key] })).toEqual([]);
  });

  it('indexes search rows of the longest key and value, in 3-byte characters (both bounded to 200)', async () => {
    // buildEntitySearch keeps keys and values of at most 200 UTF-16 units: at most ~600 bytes
    // each after lowercasing ('İ' becomes 'i̇'), so a (key, value, ref) index row always fits.
    const key = 'İ'.repeat(195);
    const value = `${'İ'.repeat(100)}${'\ua66e'.repeat(100)}`;
    const wide = { ...component('wide'), spec: { type: 'service', lifecycle: 'production', owner: 'team-a', [key]: value } };
    await seed([row(wide), row(component('other'))]);
    const page = await ctx.store.queryEntities({ filter: { key: `spec.${key}`.toLowerCase(), values: [value.toLowerCase()] } });
    expect(names(page.items)).toEqual(['wide']);
  });

  it('writes nothing from a failed transaction', async () => {
    await expect(
      ctx.store.transaction(async (tx) => {
        await tx.putLocation({ id: 'x', type: 'file', target: '/x', createdAt: '2026-01-01T00:00:00.000Z' });
        await tx.putRefreshStates([state('component:default/a')]);
        await tx.putEntities([row(component('a'))]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await ctx.store.listLocations()).toEqual([]);
    expect(await ctx.store.getRefreshStates({ all: true })).toEqual([]);
    expect(await ctx.store.getEntities({ refs: ['component:default/a'] })).toEqual([]);
    // The store still works after a failed batch.
    await seed([row(component('b'))]);
    expect(names(await ctx.store.getEntities({ refs: ['component:default/b'] }))).toEqual(['b']);
  });
  exactRoundTripCases(ctx);
}

/** Rows read back exactly as written: entities, errors, claims, hostile text, orphans. */
function exactRoundTripCases(ctx: StoreCaseContext): void {
  const { seed } = ctx;
  it('reads back raw and processed entities, errors and claims exactly as written', async () => {
    const raw = component('a', { tags: ['java'], title: 'Ä ünïcode title' });
    const processed: Entity = { ...raw, metadata: { ...raw.metadata, annotations: { 'backstage.io/managed-by-location': 'file:/a.yaml' } } };
    const written = state('component:default/a', {
      locationKey: 'file:/a.yaml',
      parentRefs: ['location:default/p1', 'location:default/p2'],
      unprocessed: raw,
      processed,
      errors: [
        { name: 'ConflictError', message: 'component:default/x from file:/b.yaml is already provided by file:/a.yaml', file: '/b.yaml', line: 3, rule: 'conflict' },
        { name: 'InputError', message: 'spec.owner must be a string', path: 'spec.owner', rule: 'type' },
      ],
      relations: [{ sourceRef: 'component:default/a', type: 'ownedBy', targetRef: 'group:default/team-a' }],
      refreshKeys: ['url:https://example.com/a'],
      hash: 'h1',
    });
    const root = state('location:default/root', { rootKey: 'location:42' });
    await ctx.store.transaction(async (tx) => tx.putRefreshStates([written, root]));
    const [a] = await ctx.store.getRefreshStates({ refs: ['component:default/a'] });
    expect(a).toEqual(written);
    expect(await ctx.store.getRefreshStates({ refs: ['location:default/root'] })).toEqual([root]);
    // A failed processing keeps the last good entity next to the new raw one.
    const failed = { ...written, unprocessed: component('a', { spec: { owner: 7 } }), processed, errors: [written.errors[1]!] };
    await ctx.store.transaction(async (tx) => tx.putRefreshStates([failed]));
    expect(await ctx.store.getRefreshStates({ refs: ['component:default/a'] })).toEqual([failed]);
    // Final entities keep every field, including status items and relations.
    const final = stitchEntity(
      { entityRef: 'component:default/a', processed, errors: written.errors, orphan: false },
      [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
    );
    await seed([final]);
    expect(await ctx.store.getEntities({ refs: ['component:default/a'] })).toEqual([final]);
  });

  it('round-trips refresh states and entities whose text holds newlines, backslashes, escapes, NUL and lone surrogates', async () => {
    // SQL stores send each JSON document as one line of a text parameter: every such character
    // must stay inside its own document, whatever its neighbours (with and without `processed`).
    const odd = ['a\nb', '\\n', '\\', '\r\n', '\u2028\u2029', '\u0000', 'x\ud800', '\udc00y', '"\n"', '', '\\u0000'];
    const written = odd.map((text, i) =>
      state(`component:default/odd-${i}`, {
        unprocessed: component(`odd-${i}`, { title: text, tags: [text], spec: { owner: text } }),
        ...(i % 2 ? { processed: component(`odd-${i}`, { title: text }) } : {}),
        errors: [{ name: 'InputError', message: text, rule: text }],
        relations: [{ sourceRef: `component:default/odd-${i}`, type: 'ownedBy', targetRef: `group:default/${i}` }],
        hash: `h${i}`,
      }),
    );
    await ctx.store.transaction(async (tx) => tx.putRefreshStates(written));
    const byRef = new Map((await ctx.store.getRefreshStates({ all: true })).map((r) => [r.entityRef, r]));
    for (const w of written) {
      expect(byRef.get(w.entityRef)).toEqual(w);
    }
    const finals = odd.map((text, i) =>
      stitchEntity({ entityRef: `component:default/odd-${i}`, processed: component(`odd-${i}`, { title: text, spec: { owner: text } }), errors: [], orphan: false }, []),
    );
    await seed(finals);
    const stored = await ctx.store.getEntities({ refs: finals.map((f) => f.entityRef) });
    expect(new Map(stored.map((f) => [f.entityRef, f.entity]))).toEqual(new Map(finals.map((f) => [f.entityRef, f.entity])));
  });

  it('answers getRefreshClaims (where offered) with the claims of exactly the states getRefreshStates returns', async (test) => {
    if (!ctx.store.getRefreshClaims) return test.skip('the store offers no getRefreshClaims; processing reads whole states');
    await ctx.store.transaction(async (tx) =>
      tx.putRefreshStates([
        state('location:default/root', { rootKey: 'location:42' }),
        state('component:default/a', { locationKey: 'file:/a.yaml', parentRefs: ['location:default/root'], refreshKeys: ['k1'] }),
        state('component:default/b', { locationKey: 'file:/b.yaml', parentRefs: ['component:default/a', 'location:default/root'] }),
        state('component:default/lost'),
      ]),
    );
    const claimOf = ({ entityRef, rootKey, locationKey, parentRefs }: RefreshState) => ({
      entityRef,
      ...(rootKey !== undefined ? { rootKey } : {}),
      ...(locationKey !== undefined ? { locationKey } : {}),
      parentRefs,
    });
    const byRef = (a: { entityRef: string }, b: { entityRef: string }) => (a.entityRef < b.entityRef ? -1 : a.entityRef > b.entityRef ? 1 : 0);
    for (const selector of [
      { all: true },
      { refs: ['component:default/a', 'component:default/missing'] },
      { parentRefs: ['component:default/a'] },
      { rootKeys: ['location:42'] },
      { refreshKeys: ['k1'] },
      { refs: ['component:default/lost'], parentRefs: ['location:default/root'] },
      {},
    ]) {
      const claims = await ctx.store.getRefreshClaims(selector);
      expect([...claims].sort(byRef)).toEqual((await ctx.store.getRefreshStates(selector)).map(claimOf).sort(byRef));
    }
    expect((await ctx.store.getRefreshClaims({ all: true })).length).toBe(4);
  });

  it('keeps orphans (no parent, no root) and finds them by the orphan annotation', async () => {
    await ctx.store.transaction(async (tx) => {
      await tx.putRefreshStates([state('component:default/lost'), state('component:default/kept', { parentRefs: ['location:default/r'] })]);
      await tx.putEntities([
        stitchEntity({ entityRef: 'component:default/lost', processed: component('lost'), errors: [], orphan: true }, []),
        row(component('kept')),
      ]);
    });
    const [lost] = await ctx.store.getRefreshStates({ refs: ['component:default/lost'] });
    expect(lost).toMatchObject({ parentRefs: [] });
    expect(lost?.rootKey).toBeUndefined();
    expect(await ctx.store.getRefreshStates({ parentRefs: ['location:default/r'] })).toHaveLength(1);
    const orphans = await ctx.store.queryEntities({ filter: { key: 'metadata.annotations.backstage.io/orphan', values: ['true'] } });
    expect(orphans.items.map((r) => r.entityRef)).toEqual(['component:default/lost']);
    // Adopting it again clears the annotation from the index too.
    await seed([row(component('lost'))]);
    expect((await ctx.store.queryEntities({ filter: { key: 'metadata.annotations.backstage.io/orphan' } })).items).toEqual([]);
  });
}

/** Uid ownership, failed replacing batches, large and concurrent transactions. */
function transactionCases(ctx: StoreCaseContext): void {
  const { seed } = ctx;
  it('gives a uid to one ref at a time: a row taking a uid replaces its holder', async () => {
    const a = row(component('a'));
    await seed([a]);
    const b = row(component('b'));
    await seed([{ ...b, uid: a.uid, entity: { ...b.entity, metadata: { ...b.entity.metadata, uid: a.uid } } }]);
    expect(await ctx.store.getEntities({ refs: ['component:default/a'] })).toEqual([]);
    expect((await ctx.store.getEntities({ uids: [a.uid] })).map((r) => r.entityRef)).toEqual(['component:default/b']);
    expect((await ctx.store.queryEntities({ includeTotal: true })).totalItems).toBe(1);
    // Within one batch, the later row with a ref wins.
    await seed([row(component('c', { title: 'one' })), row(component('c', { title: 'two' }))]);
    expect((await ctx.store.getEntities({ refs: ['component:default/c'] }))[0]?.entity.metadata.title).toBe('two');
    expect((await ctx.store.queryEntities({ filter: { key: 'metadata.title', values: ['one'] } })).items).toEqual([]);
  });

  it('keeps the previous data when a replacing or deleting batch fails', async () => {
    const relations = [{ sourceRef: 'component:default/a', type: 'ownedBy', targetRef: 'group:default/t' }];
    await ctx.store.transaction(async (tx) => {
      await tx.putLocation({ id: 'l', type: 'file', target: '/l.yaml', createdAt: '2026-01-01T00:00:00.000Z' });
      await tx.putRefreshStates([state('component:default/a', { relations, parentRefs: ['location:default/r'] })]);
      await tx.putEntities([row(component('a', { tags: ['java'] }))]);
    });
    const before = {
      locations: await ctx.store.listLocations(),
      states: await ctx.store.getRefreshStates({ all: true }),
      relations: await ctx.store.getRelations({ sourceRefs: ['component:default/a'] }),
      entities: await ctx.store.getEntities({ refs: ['component:default/a'] }),
    };
    for (const failing of [
      async (tx: Parameters<Parameters<CatalogStore['transaction']>[0]>[0]) => {
        await tx.putRefreshStates([state('component:default/a', { relations: [] })]);
        await tx.putEntities([row(component('a', { tags: ['go'] }))]);
      },
      async (tx: Parameters<Parameters<CatalogStore['transaction']>[0]>[0]) => {
        await tx.deleteLocation('l');
        await tx.deleteRefreshStates(['component:default/a']);
        await tx.deleteEntities(['component:default/a']);
      },
    ]) {
      await expect(
        ctx.store.transaction(async (tx) => {
          await failing(tx);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await ctx.store.listLocations()).toEqual(before.locations);
      expect(await ctx.store.getRefreshStates({ all: true })).toEqual(before.states);
      expect(await ctx.store.getRelations({ sourceRefs: ['component:default/a'] })).toEqual(before.relations);
      expect(await ctx.store.getEntities({ refs: ['component:default/a'] })).toEqual(before.entities);
      expect(names((await ctx.store.queryEntities({ filter: { key: 'metadata.tags', values: ['java'] } })).items)).toEqual(['a']);
      expect((await ctx.store.queryEntities({ filter: { key: 'metadata.tags', values: ['go'] } })).items).toEqual([]);
    }
  });

  it('writes large batches whole, and none of a large failed batch', async () => {
    const many = (prefix: string) => Array.from({ length: 6_000 }, (_, i) => component(`${prefix}${i}`));
    await ctx.store.transaction(async (tx) => {
      await tx.putRefreshStates(many('s').map((e) => state(`component:default/${e.metadata.name}`, { unprocessed: e })));
      await tx.putEntities(many('s').map((e) => row(e)));
    });
    expect((await ctx.store.queryEntities({ limit: 0, includeTotal: true })).totalItems).toBe(6_000);
    expect(await ctx.store.getRefreshStates({ refs: ['component:default/s0', 'component:default/s5999'] })).toHaveLength(2);
    await expect(
      ctx.store.transaction(async (tx) => {
        await tx.putEntities(many('f').map((e) => row(e)));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await ctx.store.queryEntities({ limit: 0, includeTotal: true })).totalItems).toBe(6_000);
    expect(await ctx.store.getEntities({ refs: ['component:default/f5999'] })).toEqual([]);
  });

  it('applies concurrent transactions one after another, each whole', async () => {
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        ctx.store.transaction(async (tx) => {
          await tx.putEntities([row(component(`n${i}`, { title: `batch ${i}` }))]);
          await new Promise((r) => setTimeout(r, 5));
          await tx.putEntities([row(component(`m${i}`, { title: `batch ${i}` }))]);
        }),
      ),
    );
    const page = await ctx.store.queryEntities({ includeTotal: true });
    expect(page.totalItems).toBe(10);
    for (let i = 0; i < 5; i++) {
      expect((await ctx.store.queryEntities({ filter: { key: 'metadata.title', values: [`batch ${i}`] } })).items).toHaveLength(2);
    }
  });
}

/** Refresh states, relations and final entities, selected, replaced and deleted. */
function readCases(ctx: StoreCaseContext): void {
  const { seed } = ctx;
  it('selects refresh states by ref, parent, root and refresh key', async () => {
    await ctx.store.transaction(async (tx) =>
      tx.putRefreshStates([
        state('location:default/root', { rootKey: 'location:1' }),
        state('component:default/a', { parentRefs: ['location:default/root'], locationKey: 'file:/a.yaml', refreshKeys: ['k1'] }),
        state('component:default/b', { parentRefs: ['location:default/root', 'location:default/other'] }),
      ]),
    );
    const refs = (rows: RefreshState[]) => rows.map((r) => r.entityRef).sort();
    expect(refs(await ctx.store.getRefreshStates({ refs: ['component:default/a', 'component:default/nope'] }))).toEqual(['component:default/a']);
    expect(refs(await ctx.store.getRefreshStates({ parentRefs: ['location:default/root'] }))).toEqual(['component:default/a', 'component:default/b']);
    expect(refs(await ctx.store.getRefreshStates({ parentRefs: ['location:default/other'] }))).toEqual(['component:default/b']);
    expect(refs(await ctx.store.getRefreshStates({ rootKeys: ['location:1'] }))).toEqual(['location:default/root']);
    expect(refs(await ctx.store.getRefreshStates({ refreshKeys: ['k1'] }))).toEqual(['component:default/a']);
    expect(await ctx.store.getRefreshStates({})).toEqual([]);
    expect((await ctx.store.getRefreshStates({ all: true })).length).toBe(3);
    const [a] = await ctx.store.getRefreshStates({ refs: ['component:default/a'] });
    expect(a).toMatchObject({ locationKey: 'file:/a.yaml', parentRefs: ['location:default/root'], refreshKeys: ['k1'] });
    // Replacing a row re-indexes it.
    await ctx.store.transaction(async (tx) => tx.putRefreshStates([state('component:default/a', { parentRefs: [] })]));
    expect(refs(await ctx.store.getRefreshStates({ parentRefs: ['location:default/root'] }))).toEqual(['component:default/b']);
    expect(await ctx.store.getRefreshStates({ refreshKeys: ['k1'] })).toEqual([]);
  });

  it('keeps relations per originating entity and replaces them with it', async () => {
    await ctx.store.transaction(async (tx) =>
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
    const forGroup = await ctx.store.getRelations({ sourceRefs: ['group:default/t'] });
    expect(forGroup.map((r) => `${r.originatingRef} ${r.type} ${r.targetRef}`).sort()).toEqual([
      'component:default/a ownerOf component:default/a',
      'component:default/b ownerOf component:default/b',
    ]);
    await ctx.store.transaction(async (tx) => tx.putRefreshStates([state('component:default/a', { relations: [] })]));
    expect((await ctx.store.getRelations({ sourceRefs: ['group:default/t', 'component:default/a'] })).map((r) => r.targetRef)).toEqual([
      'component:default/b',
    ]);
    await ctx.store.transaction(async (tx) => tx.deleteRefreshStates(['component:default/b']));
    expect(await ctx.store.getRelations({ sourceRefs: ['group:default/t'] })).toEqual([]);
  });

  it('gets final entities by ref and uid, replaces and deletes them', async () => {
    const a = row(component('a'));
    await seed([a, row(component('b'))]);
    expect(names(await ctx.store.getEntities({ uids: [a.uid] }))).toEqual(['a']);
    expect(names(await ctx.store.getEntities({ refs: ['component:default/a'], uids: [a.uid] }))).toEqual(['a']);
    await seed([row(component('a', { spec: { type: 'website' } }))]);
    const [updated] = await ctx.store.getEntities({ refs: ['component:default/a'] });
    expect(updated?.entity.spec?.type).toBe('website');
    expect((await ctx.store.queryEntities({ filter: { key: 'spec.type', values: ['service'] } })).items.map((r) => r.entityRef)).toEqual([
      'component:default/b',
    ]);
    await ctx.store.transaction(async (tx) => tx.deleteEntities(['component:default/a']));
    expect(await ctx.store.getEntities({ refs: ['component:default/a'] })).toEqual([]);
    expect((await ctx.store.queryEntities({})).items.length).toBe(1);
  });
}

type Run = (q: Parameters<CatalogStore['queryEntities']>[0]) => Promise<string[]>;

/** queryEntities and entityFacets over four seeded entities. */
function queryCases(ctx: StoreCaseContext): void {
  const { seed } = ctx;
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
    const run = async (q: Parameters<CatalogStore['queryEntities']>[0]) => names((await ctx.store.queryEntities(q)).items);

    queryFilterCases(ctx, run);
    queryOrderAndPageCases(ctx, run);
    queryTreeAndTextCases(ctx, run);
    queryInputAndFacetCases(ctx, run);
  });
}

/** Filters by value, existence, combinations and prefix. */
function queryFilterCases(ctx: StoreCaseContext, run: Run): void {
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

  it('matches value prefixes, lowercase, on any value of the key', async () => {
    const ordered = { order: [{ field: 'metadata.name', order: 'asc' as const }] };
    expect(await run({ filter: { key: 'metadata.name', prefix: 'be' } })).toEqual(['Beta']);
    expect(await run({ filter: { key: 'relations.ownedby', prefix: 'group:default/team-' }, ...ordered })).toEqual(['alpha', 'Beta']);
    expect(await run({ filter: { key: 'metadata.tags', prefix: 'w' } })).toEqual(['alpha']);
    expect(await run({ filter: { key: 'metadata.name', prefix: 'zz' } })).toEqual([]);
    // An empty prefix is the key existing; prefixes combine like any leaf.
    expect(await run({ filter: { key: 'metadata.tags', prefix: '' }, ...ordered })).toEqual(['alpha', 'Beta']);
    expect(
      await run({ filter: { allOf: [{ key: 'kind', values: ['component'] }, { not: { key: 'metadata.name', prefix: 'a' } }] }, ...ordered }),
    ).toEqual(['Beta', 'gamma']);
    expect((await ctx.store.queryEntities({ filter: { key: 'metadata.name', prefix: 'ga' }, includeTotal: true })).totalItems).toBe(1);
  });
}

/** Ordering, offsets, cursors and counts. */
function queryOrderAndPageCases(ctx: StoreCaseContext, run: Run): void {
  const { seed } = ctx;
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
    const page = await ctx.store.queryEntities({ order: [{ field: 'metadata.name', order: 'asc' }], offset: 1, limit: 2, includeTotal: true });
    expect(names(page.items)).toEqual(['Beta', 'delta']);
    expect(page.totalItems).toBe(4);
    expect(page.sortKeys).toEqual([['beta'], ['delta']]);
  });

  it('continues after a sort key, stable under concurrent writes', async () => {
    const order = [{ field: 'metadata.name', order: 'asc' as const }];
    const first = await ctx.store.queryEntities({ order, limit: 2 });
    expect(names(first.items)).toEqual(['alpha', 'Beta']);
    // A write before the cursor must not shift the next page.
    await seed([row(component('aardvark'))]);
    const last = first.items.length - 1;
    const second = await ctx.store.queryEntities({ order, limit: 2, after: { values: first.sortKeys[last]!, uid: first.items[last]!.uid } });
    expect(names(second.items)).toEqual(['delta', 'gamma']);
  });

  it('walks every page once while entities are written and deleted around the cursor', async () => {
    await seed(Array.from({ length: 20 }, (_, i) => row(component(`p${String(i).padStart(2, '0')}`, { title: i % 3 ? `T${i % 4}` : undefined }))));
    const order = [
      { field: 'metadata.title', order: 'desc' as const },
      { field: 'metadata.name', order: 'asc' as const },
    ];
    const all = names((await ctx.store.queryEntities({ order })).items);
    expect(all).toHaveLength(24);
    const seen: string[] = [];
    let after: { values: (string | null)[]; uid: string } | undefined;
    for (let pageNo = 0; pageNo < 30; pageNo++) {
      const page = await ctx.store.queryEntities({ order, limit: 5, ...(after ? { after } : {}) });
      seen.push(...names(page.items));
      if (page.items.length < 5) break;
      const last = page.items.length - 1;
      after = { values: page.sortKeys[last]!, uid: page.items[last]!.uid };
      // Churn: a new entity sorting before the cursor, the cursor's own entity deleted.
      await seed([row(component(`aa${pageNo}`, { title: 'zzz' }))]);
      await ctx.store.transaction(async (tx) => tx.deleteEntities([page.items[last]!.entityRef]));
    }
    // Every entity that existed throughout shows up exactly once, in order.
    expect(seen).toEqual(all);
  });

  it('sorts entities lacking a field first when asked (previous pages)', async () => {
    expect(await run({ order: [{ field: 'metadata.title', order: 'asc', nulls: 'first' }, { field: 'metadata.name', order: 'asc' }] })).toEqual([
      'Beta',
      'delta',
      'gamma',
      'alpha',
    ]);
    const first = await ctx.store.queryEntities({ order: [{ field: 'metadata.title', order: 'desc', nulls: 'first' }], uidOrder: 'desc', limit: 2 });
    const rest = await ctx.store.queryEntities({
      order: [{ field: 'metadata.title', order: 'desc', nulls: 'first' }],
      uidOrder: 'desc',
      after: { values: first.sortKeys[1]!, uid: first.items[1]!.uid },
    });
    expect([...names(first.items), ...names(rest.items)].sort()).toEqual(['Beta', 'alpha', 'delta', 'gamma']);
    expect(names(rest.items).at(-1)).toBe('alpha');
    expect(first.sortKeys).toEqual([[null], [null]]);
  });

  it('counts all matches whatever the page, cursor or limit', async () => {
    const filter = { key: 'kind', values: ['component'] };
    expect((await ctx.store.queryEntities({ filter, limit: 1, includeTotal: true })).totalItems).toBe(3);
    expect((await ctx.store.queryEntities({ filter, limit: 0, includeTotal: true })).items).toEqual([]);
    expect((await ctx.store.queryEntities({ filter, offset: 10, includeTotal: true })).totalItems).toBe(3);
    const first = await ctx.store.queryEntities({ filter, order: [{ field: 'metadata.name', order: 'asc' }], limit: 1 });
    const next = await ctx.store.queryEntities({
      filter,
      order: [{ field: 'metadata.name', order: 'asc' }],
      after: { values: first.sortKeys[0]!, uid: first.items[0]!.uid },
      includeTotal: true,
    });
    expect(names(next.items)).toEqual(['Beta', 'gamma']);
    expect(next.totalItems).toBe(3);
    expect((await ctx.store.queryEntities({ fullText: { term: 'a', fields: ['metadata.name'] }, includeTotal: true })).totalItems).toBe(4);
    expect((await ctx.store.queryEntities({ includeTotal: true })).totalItems).toBe(4);
    expect((await ctx.store.queryEntities({ limit: 2 })).totalItems).toBeUndefined();
  });
}

/** Empty and nested filter trees, and full text. */
function queryTreeAndTextCases(ctx: StoreCaseContext, run: Run): void {
  it('handles empty and nested filter trees', async () => {
    expect(await run({ filter: { key: 'kind', values: [] } })).toEqual([]);
    expect(await run({ filter: { anyOf: [] } })).toEqual([]);
    expect((await run({ filter: { allOf: [] } })).length).toBe(4);
    expect(
      await run({
        filter: {
          allOf: [
            { anyOf: [{ key: 'metadata.tags', values: ['go'] }, { key: 'spec.lifecycle', values: ['experimental'] }] },
            { not: { key: 'metadata.namespace', values: ['ops'] } },
          ],
        },
      }),
    ).toEqual(['Beta']);
    expect(await run({ filter: { not: { not: { key: 'spec.owner', values: ['team-b'] } } } })).toEqual(['Beta']);
    expect(await run({ filter: { key: 'metadata.name', values: ['nope'] } })).toEqual([]);
    // The shape parsed catalog queries take, and other one-child groups.
    const both = [{ key: 'kind', values: ['component'] }, { key: 'spec.type', values: ['service'] }];
    expect((await run({ filter: { anyOf: [{ allOf: both }] } })).sort()).toEqual(['alpha', 'gamma']);
    expect(await run({ filter: { allOf: [{ allOf: [{ key: 'spec.type', values: ['website'] }, { key: 'kind', values: ['component'] }] }] } })).toEqual(['Beta']);
    expect(await run({ filter: { anyOf: [{ allOf: [{ key: 'kind', values: ['api'] }, { key: 'spec.type', values: ['service'] }] }] } })).toEqual([]);
    expect((await ctx.store.queryEntities({ filter: { anyOf: [{ allOf: both }] }, includeTotal: true })).totalItems).toBe(2);
  });

  it('reads an empty allOf as true and an empty anyOf as false wherever they nest (denied and conditional reads rely on it)', async () => {
    // A denied read is ANDed with an empty anyOf; policy conditions may hold empty groups anywhere.
    const none = { anyOf: [] };
    const all = { allOf: [] };
    const kind = { key: 'kind', values: ['component'] };
    const count = async (filter: EntityFilter) => (await ctx.store.queryEntities({ filter, includeTotal: true, limit: 1 })).totalItems;
    expect(await count({ allOf: [kind, none] })).toBe(0);
    expect(await count({ allOf: [kind, all] })).toBe(3);
    expect(await count({ anyOf: [kind, none] })).toBe(3);
    expect(await count({ anyOf: [kind, all] })).toBe(4);
    expect(await count({ not: none })).toBe(4);
    expect(await count({ not: all })).toBe(0);
    expect(await count({ allOf: [{ not: { anyOf: [none, { allOf: [kind, none] }] } }, { anyOf: [{ allOf: [] }] }] })).toBe(4);
    expect(await ctx.store.entityFacets({ facets: ['kind'], filter: { allOf: [all, none] } })).toEqual({ kind: [] });
    expect((await ctx.store.entityFacets({ facets: ['kind'], filter: { not: none } })).kind!.reduce((n, f) => n + f.count, 0)).toBe(4);
  });

  it('matches full text in chosen fields', async () => {
    expect(await run({ fullText: { term: 'ALPHA serv', fields: ['metadata.title'] } })).toEqual(['alpha']);
    expect(await run({ fullText: { term: 'ta', fields: ['metadata.name'] }, order: [{ field: 'metadata.name', order: 'asc' }] })).toEqual([
      'Beta',
      'delta',
    ]);
  });

  it('ignores an empty full-text term and matches nothing without fields', async () => {
    expect((await run({ fullText: { term: '  ', fields: ['metadata.name'] } })).length).toBe(4);
    expect(await run({ fullText: { term: 'alpha', fields: [] } })).toEqual([]);
    expect(await run({ fullText: { term: 'alpha', fields: ['metadata.name'] }, filter: { key: 'kind', values: ['api'] } })).toEqual([]);
    expect(await run({ fullText: { term: 'JAVA', fields: ['metadata.tags'] } })).toEqual(['alpha']);
  });
}

/** Refused and odd query input, and facets. */
function queryInputAndFacetCases(ctx: StoreCaseContext, run: Run): void {
  const { seed } = ctx;
  it('refuses NUL and lone surrogates in every query input with an InputError naming it, and keeps working', async () => {
    // PostgreSQL rejects these mid-statement; every store refuses them up front, the same way.
    const before = await ctx.store.queryEntities({ order: [{ field: 'metadata.name', order: 'asc' }], includeTotal: true });
    const refused = async (call: () => Promise<unknown>, message: RegExp) => {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: 'InputError', message: expect.stringMatching(message) });
    };
    for (const [bad, problem] of [
      ['a\u0000b', /contains a NUL character/],
      ['a\ud800b', /not well-formed Unicode/],
      ['\udc00', /not well-formed Unicode/],
    ] as const) {
      const q = (query: Parameters<CatalogStore['queryEntities']>[0]) => () => ctx.store.queryEntities({ ...query, includeTotal: true, limit: 2 });
      await refused(q({ filter: { key: 'kind', values: [bad] } }), new RegExp(`^Invalid filter value: .*${problem.source}`));
      await refused(q({ filter: { anyOf: [{ key: 'kind', values: ['api'] }, { not: { key: bad } }] } }), new RegExp(`^Invalid filter key: .*${problem.source}`));
      await refused(q({ filter: { key: 'metadata.name', prefix: bad } }), /^Invalid filter value/);
      await refused(q({ fullText: { term: bad, fields: ['metadata.name'] } }), new RegExp(`^Invalid fullTextFilter term: .*${problem.source}`));
      await refused(q({ fullText: { term: 'alpha', fields: ['metadata.name', bad] } }), /^Invalid fullTextFilter fields/);
      await refused(q({ order: [{ field: bad, order: 'asc' }] }), new RegExp(`^Invalid order field: .*${problem.source}`));
      await refused(q({ order: [{ field: 'metadata.name', order: 'asc' }], after: { values: [bad], uid: 'x' } }), /^Invalid cursor/);
      await refused(q({ after: { values: [], uid: bad } }), /^Invalid cursor/);
      await refused(() => ctx.store.entityFacets({ facets: ['kind', bad] }), /^Invalid facets/);
      await refused(() => ctx.store.entityFacets({ facets: ['kind'], filter: { key: bad } }), /^Invalid filter key/);
      await refused(() => ctx.store.getEntities({ refs: [`component:default/${bad}`] }), /^Invalid entity ref/);
      await refused(() => ctx.store.getEntities({ uids: [bad] }), /^Invalid uid/);
      await refused(() => ctx.store.getRefreshStates({ refs: [bad] }), /^Invalid entity ref/);
      await refused(() => ctx.store.getRefreshStates({ refreshKeys: [bad] }), /^Invalid refresh key/);
      await refused(() => ctx.store.getRelations({ sourceRefs: [bad] }), /^Invalid entity ref/);
      await refused(
        () => ctx.store.transaction((tx) => tx.putLocation({ id: 'l', type: 'url', target: `https://x/${bad}`, createdAt: '2026-01-01T00:00:00.000Z' })),
        /^Invalid location target/,
      );
    }
    // The message is the same on every store, word for word.
    await expect(ctx.store.queryEntities({ filter: { key: 'kind', values: ['a\u0000b'] } })).rejects.toThrow(
      'Invalid filter value: "a\\u0000b" contains a NUL character',
    );
    expect(await ctx.store.listLocations()).toEqual([]);
    expect(await ctx.store.queryEntities({ order: [{ field: 'metadata.name', order: 'asc' }], includeTotal: true })).toEqual(before);
  });

  it('keeps NUL and lone surrogates in entities exactly, and indexes them the same on every store', async () => {
    // A catalog author can write both in YAML ("\0", "\ud800"); PostgreSQL text holds neither.
    const odd = component('odd', { title: 'a\u0000b\ud800c', tags: ['x\udc00'] });
    await seed([row(odd)]);
    const [stored] = await ctx.store.getEntities({ refs: ['component:default/odd'] });
    expect(stored!.entity.metadata.title).toBe('a\u0000b\ud800c');
    expect(stored!.entity.metadata.tags).toEqual(['x\udc00']);
    expect(await run({ filter: { key: 'metadata.title', values: ['ab\ufffdc'] } })).toEqual(['odd']);
    expect(await run({ filter: { key: 'metadata.tags', values: ['x\ufffd'] } })).toEqual(['odd']);
    expect(await run({ fullText: { term: 'B\ufffd', fields: ['metadata.title'] } })).toEqual(['odd']);
    expect((await ctx.store.entityFacets({ facets: ['metadata.title'], filter: { key: 'metadata.name', values: ['odd'] } }))['metadata.title']).toEqual([
      { value: 'ab\ufffdc', count: 1 },
    ]);
  });

  it('counts facets over matching entities, keeping the written case', async () => {
    expect(await ctx.store.entityFacets({ facets: ['kind', 'metadata.tags'] })).toEqual({
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
    expect(await ctx.store.entityFacets({ facets: ['spec.type'], filter: { key: 'kind', values: ['component'] } })).toEqual({
      'spec.type': [
        { value: 'service', count: 2 },
        { value: 'website', count: 1 },
      ],
    });
    // Unknown keys give empty lists; negated filters narrow facets like any other.
    expect(await ctx.store.entityFacets({ facets: ['spec.nope', 'metadata.namespace'], filter: { not: { key: 'kind', values: ['api'] } } })).toEqual({
      'spec.nope': [],
      'metadata.namespace': [
        { value: 'default', count: 2 },
        { value: 'ops', count: 1 },
      ],
    });
    expect(await ctx.store.entityFacets({ facets: [] })).toEqual({});
  });
}

/** The same store behind the catalog API, as a portal uses it. */
function catalogApiCases(ctx: StoreCaseContext): void {
  describe('through the catalog API', () => {
    const mk = (name: string, type: string, title?: string): Entity => ({
      ...component(name, { spec: { type }, ...(title ? { title } : {}) }),
      metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
    });
    const catalogOn = async () => {
      let connection: EntityProviderConnection | undefined;
      const catalog = createCatalog({
        store: ctx.store,
        providers: [{ name: 'contract', connect: (c) => void (connection = c) }],
      });
      await catalog.refresh(); // connects the provider
      await connection!.applyMutation({
        type: 'full',
        entities: [mk('e', 'service', 'Echo'), mk('a', 'website'), mk('d', 'service', 'Delta'), mk('c', 'service'), mk('b', 'library', 'Bravo')],
      });
      return catalog;
    };

    it('refuses refs longer than MAX_ENTITY_REF_LENGTH alone: a provider entity, an owner, a child', async () => {
      let connection: EntityProviderConnection | undefined;
      const catalog = createCatalog({ store: ctx.store, providers: [{ name: 'long', connect: (c) => void (connection = c) }] });
      await catalog.refresh();
      const longName = longText(10_000);
      await connection!.applyMutation({
        type: 'full',
        entities: [
          mk('ok', 'service'),
          { ...mk('ok', 'service'), metadata: { name: longName, namespace: 'default' } },
          { ...mk('owned', 'service'), spec: { type: 'service', lifecycle: 'production', owner: `group:default/${longName}` } },
        ],
      });
      expect((await catalog.getEntityByRef('component:default/ok'))?.metadata.name).toBe('ok');
      expect(await catalog.getEntityByRef(`component:default/${longName}`)).toBeUndefined();
      expect(await catalog.getEntityByRef('component:default/owned')).toBeUndefined();
      const [owned] = await ctx.store.getRefreshStates({ refs: ['component:default/owned'] });
      expect(owned!.errors.map((e) => e.message).join('\n')).toMatch(/longer than 256 characters/);
      expect(await ctx.store.getRelations({ sourceRefs: [`group:default/${longName}`] })).toEqual([]);
    });

    it('projects fields, counts and pages forward and back with cursors', async () => {
      const catalog = await catalogOn();
      const first = await catalog.query({ orderFields: { field: 'metadata.name', order: 'asc' }, fields: ['metadata.name', 'spec.type'], limit: 2 });
      expect(first.items).toEqual([
        { metadata: { name: 'a' }, spec: { type: 'website' } },
        { metadata: { name: 'b' }, spec: { type: 'library' } },
      ]);
      expect(first.totalItems).toBe(5);
      const second = await catalog.query({ cursor: first.pageInfo.nextCursor!, fields: ['metadata.name'], limit: 2 });
      const third = await catalog.query({ cursor: second.pageInfo.nextCursor!, fields: ['metadata.name'], limit: 2 });
      expect([second, third].map((p) => p.items.map((e) => e.metadata.name))).toEqual([['c', 'd'], ['e']]);
      expect(third.pageInfo.nextCursor).toBeUndefined();
      const back = await catalog.query({ cursor: third.pageInfo.prevCursor!, fields: ['metadata.name'], limit: 2 });
      expect(back.items.map((e) => e.metadata.name)).toEqual(['c', 'd']);
      expect(back.totalItems).toBe(5);
      // Ordering by a field some entities lack, filtered, backwards from the last page.
      const byTitle = await catalog.query({
        filter: { 'spec.type': 'service' },
        orderFields: [{ field: 'metadata.title', order: 'desc' }],
        fields: ['metadata.name'],
        limit: 2,
      });
      expect(byTitle.items.map((e) => e.metadata.name)).toEqual(['e', 'd']);
      const rest = await catalog.query({ cursor: byTitle.pageInfo.nextCursor!, limit: 2 });
      expect(rest.items.map((e) => e.metadata.name)).toEqual(['c']);
      const prev = await catalog.query({ cursor: rest.pageInfo.prevCursor!, limit: 2 });
      expect(prev.items.map((e) => e.metadata.name)).toEqual(['e', 'd']);
    });

    it('filters with negation, full text and facets, and lists processing errors', async () => {
      const catalog = await catalogOn();
      const names = async (q: Parameters<typeof catalog.query>[0]) => (await catalog.query(q)).items.map((e) => e.metadata.name).sort();
      expect(await names({ filter: { 'spec.type': 'service' }, query: { $not: { 'metadata.name': 'c' } } })).toEqual(['d', 'e']);
      expect(await names({ fullTextFilter: { term: 'ELT', fields: ['metadata.title'] } })).toEqual(['d']);
      // Backstage's value matchers $hasPrefix (case-insensitive) and $contains (an array element).
      expect(await names({ query: { 'metadata.title': { $hasPrefix: 'B' } } })).toEqual(['b']);
      expect(await names({ query: { $all: [{ 'spec.type': 'service' }, { $not: { 'metadata.title': { $hasPrefix: 'e' } } }] } })).toEqual(['c', 'd']);
      expect(await names({ query: { 'relations.ownedBy': { $contains: 'nobody' } } })).toEqual([]);
      expect(await names({ query: { 'spec.type': { $contains: { $any: ['LIBRARY', 'website'] } } } })).toEqual(['a', 'b']);
      const page = await catalog.query({ query: { 'metadata.name': { $hasPrefix: '' } }, limit: 2, orderFields: { field: 'metadata.name', order: 'asc' } });
      const next = await catalog.query({ cursor: page.pageInfo.nextCursor!, limit: 2 });
      expect([page.totalItems, next.items.map((e) => e.metadata.name)]).toEqual([5, ['c', 'd']]);
      expect((await catalog.getEntityFacets({ facets: ['spec.type'] })).facets['spec.type']).toEqual([
        { value: 'service', count: 3 },
        { value: 'library', count: 1 },
        { value: 'website', count: 1 },
      ]);
      expect(await catalog.getProcessingErrors()).toEqual([]);
      const [byRef] = (await catalog.getEntitiesByRefs(['component:default/b'], { fields: ['metadata.title'] })).items;
      expect(byRef).toEqual({ metadata: { title: 'Bravo' } });
    });
  });
}
