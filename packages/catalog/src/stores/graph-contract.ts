import { expect, it } from 'vitest';
import type { Entity } from '@portalkit/catalog-model';
import { stitchEntity } from '../processing/stitcher.js';
import type { StoreGraphQuery } from './graph-types.js';
import type { CatalogStore, FinalEntityRow } from './types.js';

/** What the graph cases need of the contract suite: the current test's store and a seeder. */
export interface GraphCaseContext {
  readonly store: CatalogStore;
  seed: (rows: FinalEntityRow[]) => Promise<void>;
}

/** A final entity `kind:default/name` with relations `[type, targetRef]`. */
const node = (ref: string, relations: [string, string][] = [], spec: Record<string, unknown> = {}): FinalEntityRow => {
  const [kind, rest] = ref.split(':') as [string, string];
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: kind[0]!.toUpperCase() + kind.slice(1),
    metadata: { name: rest.split('/')[1]!, namespace: 'default' },
    spec: { type: 'service', ...spec },
  };
  return stitchEntity({ entityRef: ref, processed: entity, errors: [], orphan: false }, relations.map(([type, targetRef]) => ({ type, targetRef })));
};

const walk = (over: Partial<StoreGraphQuery> & Pick<StoreGraphQuery, 'rootRefs'>): StoreGraphQuery => ({
  relationTypes: ['dependson'],
  direction: 'outgoing',
  maxDepth: 3,
  maxNodes: 100,
  ...over,
});
const c = (name: string) => `component:default/${name}`;

/**
 * The relation-graph cases of the store contract (`runStoreContract` calls this): depth, both
 * directions, cycles and self-relations, filters that prune the walk, the node cap (whole
 * levels, `truncated`), and bad queries refused.
 */
export function graphCases(ctx: GraphCaseContext): void {
  it('walks relations level by level, with every edge between the nodes reached', async () => {
    // a -> b -> c -> d, and a -> c (c is reached at depth 1; the b -> c edge is still listed).
    await ctx.seed([
      node(c('a'), [['dependsOn', c('b')], ['dependsOn', c('c')], ['ownedBy', 'group:default/t']]),
      node(c('b'), [['dependsOn', c('c')]]),
      node(c('c'), [['dependsOn', c('d')]]),
      node(c('d')),
      node('group:default/t'),
    ]);
    const r = await ctx.store.queryGraph(walk({ rootRefs: [c('a')], maxDepth: 1 }));
    expect(r.nodes).toEqual([
      { entityRef: c('a'), depth: 0 },
      { entityRef: c('b'), depth: 1 },
      { entityRef: c('c'), depth: 1 },
    ]);
    expect(r.edges).toEqual([
      { sourceRef: c('a'), type: 'dependson', targetRef: c('b') },
      { sourceRef: c('a'), type: 'dependson', targetRef: c('c') },
      { sourceRef: c('b'), type: 'dependson', targetRef: c('c') },
    ]);
    expect(r.truncated).toBe(false);
    const deeper = await ctx.store.queryGraph(walk({ rootRefs: [c('a')], maxDepth: 3, relationTypes: ['dependson', 'ownedby'] }));
    expect(deeper.nodes.map((n) => `${n.entityRef}@${n.depth}`)).toEqual([
      `${c('a')}@0`, `${c('b')}@1`, `${c('c')}@1`, 'group:default/t@1', `${c('d')}@2`,
    ]);
  });

  it('walks incoming relations and both directions', async () => {
    await ctx.seed([node(c('a'), [['dependsOn', c('b')]]), node(c('b')), node(c('x'), [['dependsOn', c('b')]])]);
    const incoming = await ctx.store.queryGraph(walk({ rootRefs: [c('b')], direction: 'incoming' }));
    expect(incoming.nodes.map((n) => n.entityRef)).toEqual([c('b'), c('a'), c('x')]);
    const both = await ctx.store.queryGraph(walk({ rootRefs: [c('a')], direction: 'both', maxDepth: 2 }));
    expect(both.nodes.map((n) => `${n.entityRef}@${n.depth}`)).toEqual([`${c('a')}@0`, `${c('b')}@1`, `${c('x')}@2`]);
    expect(both.edges).toHaveLength(2);
  });

  it('ends cycles and self-relations: each node once, at its smallest depth', async () => {
    await ctx.seed([
      node(c('a'), [['dependsOn', c('b')], ['dependsOn', c('a')]]),
      node(c('b'), [['dependsOn', c('a')]]),
    ]);
    const r = await ctx.store.queryGraph(walk({ rootRefs: [c('a')], maxDepth: 10, direction: 'both' }));
    expect(r.nodes).toEqual([{ entityRef: c('a'), depth: 0 }, { entityRef: c('b'), depth: 1 }]);
    expect(r.edges).toEqual([
      { sourceRef: c('a'), type: 'dependson', targetRef: c('a') },
      { sourceRef: c('a'), type: 'dependson', targetRef: c('b') },
      { sourceRef: c('b'), type: 'dependson', targetRef: c('a') },
    ]);
    expect(r.truncated).toBe(false);
  });

  it('reaches only entities the filter matches and does not walk through the others', async () => {
    // a -> hidden -> d: the filter hides `hidden`, so d is not reached either.
    await ctx.seed([
      node(c('a'), [['dependsOn', c('hidden')], ['dependsOn', c('b')]]),
      node(c('hidden'), [['dependsOn', c('d')]], { type: 'secret' }),
      node(c('b')),
      node(c('d')),
      node(c('root2'), [], { type: 'secret' }),
    ]);
    const filter = { key: 'spec.type', values: ['service'] };
    const r = await ctx.store.queryGraph(walk({ rootRefs: [c('a'), c('root2')], filter }));
    expect(r.nodes.map((n) => n.entityRef)).toEqual([c('a'), c('root2'), c('b')]);
    expect(r.edges.map((e) => e.targetRef)).toEqual([c('b')]);
    // The root filter (a caller's read scope) drops roots too.
    const scoped = await ctx.store.queryGraph(walk({ rootRefs: [c('a'), c('root2')], filter, rootFilter: filter }));
    expect(scoped.nodes.map((n) => n.entityRef)).toEqual([c('a'), c('b')]);
  });

  it('keeps whole levels up to maxNodes on a huge fan-out, and says it truncated', async () => {
    const leaves = Array.from({ length: 300 }, (_, i) => c(`leaf-${String(i).padStart(3, '0')}`));
    await ctx.seed([
      node(c('hub'), [['dependsOn', c('near')], ...leaves.map((l): [string, string] => ['dependsOn', l])]),
      node(c('near'), [['dependsOn', c('far')]]),
      node(c('far')),
      ...leaves.map((l) => node(l, [['dependsOn', c('far')]])),
    ]);
    const all = await ctx.store.queryGraph(walk({ rootRefs: [c('hub')], maxNodes: 400 }));
    expect(all.nodes).toHaveLength(303);
    expect(all.truncated).toBe(false);
    expect(all.edges).toHaveLength(602);
    // Level 1 (301 nodes) does not fit in 100: only the root is kept, and the answer says so.
    const capped = await ctx.store.queryGraph(walk({ rootRefs: [c('hub')], maxNodes: 100 }));
    expect(capped.nodes).toEqual([{ entityRef: c('hub'), depth: 0 }]);
    expect(capped.truncated).toBe(true);
    // Level 2 (far) does not fit in 301 besides levels 0 and 1.
    const cut = await ctx.store.queryGraph(walk({ rootRefs: [c('hub')], maxNodes: 302 }));
    expect(cut.nodes).toHaveLength(302);
    expect(cut.nodes.at(-1)).toEqual({ entityRef: c('near'), depth: 1 });
    expect(cut.truncated).toBe(true);
  });

  it('finds nothing along relation types no entity has, and nothing from unknown roots', async () => {
    await ctx.seed([node(c('a'), [['dependsOn', c('b')]]), node(c('b'))]);
    const r = await ctx.store.queryGraph(walk({ rootRefs: [c('a'), c('nope')], relationTypes: ['nosuchrelation'] }));
    expect(r).toEqual({ nodes: [{ entityRef: c('a'), depth: 0 }], edges: [], truncated: false });
    expect(await ctx.store.queryGraph(walk({ rootRefs: [] }))).toEqual({ nodes: [], edges: [], truncated: false });
  });

  it('refuses unbounded or malformed walks', async () => {
    await expect(ctx.store.queryGraph(walk({ rootRefs: [c('a')], maxDepth: 11 }))).rejects.toMatchObject({ name: 'InputError' });
    await expect(ctx.store.queryGraph(walk({ rootRefs: [c('a')], maxNodes: 1e9 }))).rejects.toMatchObject({ name: 'InputError' });
    await expect(ctx.store.queryGraph(walk({ rootRefs: [c('a')], relationTypes: [] }))).rejects.toMatchObject({ name: 'InputError' });
    await expect(ctx.store.queryGraph(walk({ rootRefs: ['a\u0000b'] }))).rejects.toMatchObject({ name: 'InputError' });
    const many = Array.from({ length: 10_000 }, (_, i) => c(`r${i}`));
    await expect(ctx.store.queryGraph(walk({ rootRefs: many }))).rejects.toMatchObject({ name: 'InputError' });
  });
}
