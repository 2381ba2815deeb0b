import { createLogger } from '@portalkit/core';
import type { Entity } from '@portalkit/catalog-model';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PassItem } from '../processing/engine.js';
import { createCommitter } from '../stitching/committer.js';
import { memoryStore } from '../stores/memory.js';
import { createEntitiesReader } from './entities-reader.js';

const component = (name: string, type: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: {} },
  spec: { type, owner: 'team' },
});
const item = (ref: string, entity: Entity, extra: Partial<PassItem> = {}): PassItem => ({
  ref,
  unprocessed: entity,
  processed: entity,
  errors: [],
  relations: [],
  refreshKeys: [],
  parentRefs: [],
  ...extra,
});

const store = memoryStore();
const reader = createEntitiesReader({ store });
const names = (items: (Entity | undefined)[]) => items.map((e) => e?.metadata.name);

beforeAll(async () => {
  const root: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'root' }, spec: { type: 'file', target: '/x' } };
  const items = [item('location:default/root', root, { rootKey: 'location:1' })];
  for (const [name, type] of [['a', 'service'], ['b', 'website'], ['c', 'service'], ['d', 'service'], ['e', 'library']] as const) {
    items.push(item(`component:default/${name}`, component(name, type), { parentRefs: ['location:default/root'] }));
  }
  const committer = createCommitter({ store, logger: createLogger({ level: 'error' }), events: () => undefined });
  await committer.commit(new Map(items.map((i) => [i.ref, i])));
});

describe('createEntitiesReader', () => {
  it('query pages forward and back with cursors, counting the whole match', async () => {
    const order = { field: 'metadata.name', order: 'asc' } as const;
    const first = await reader.query({ filter: { kind: 'component' }, orderFields: order, limit: 2 });
    expect([names(first.items), first.totalItems, first.pageInfo.prevCursor]).toEqual([['a', 'b'], 5, undefined]);
    const second = await reader.query({ cursor: first.pageInfo.nextCursor!, limit: 2 });
    expect(names(second.items)).toEqual(['c', 'd']);
    const back = await reader.query({ cursor: second.pageInfo.prevCursor!, limit: 2 });
    expect(names(back.items)).toEqual(['a', 'b']);
    const last = await reader.query({ cursor: second.pageInfo.nextCursor!, limit: 2 });
    expect([names(last.items), last.pageInfo.nextCursor]).toEqual([['e'], undefined]);
  });

  it('query ANDs filter, predicate query and full text; fields project', async () => {
    const { items } = await reader.query({
      filter: { kind: 'component' },
      query: { 'spec.type': 'service' },
      fullTextFilter: { term: 'c', fields: ['metadata.name'] },
      fields: ['metadata.name'],
    });
    expect(items).toEqual([{ metadata: { name: 'c' } }]);
  });

  it('getEntities cuts at limit with an end cursor that continues the same filter and order', async () => {
    const first = await reader.getEntities({ filter: { 'spec.type': 'service' }, order: { field: 'metadata.name', order: 'desc' }, limit: 2 });
    expect(names(first.items)).toEqual(['d', 'c']);
    const rest = await reader.getEntities({ after: first.pageInfo!.endCursor!, limit: 2 });
    expect([names(rest.items), rest.pageInfo]).toEqual([['a'], undefined]);
  });

  it('rejects bad paging and order input as InputError', async () => {
    await expect(reader.getEntities({ limit: -1 })).rejects.toMatchObject({ name: 'InputError' });
    await expect(reader.query({ offset: 1.5 })).rejects.toMatchObject({ name: 'InputError' });
    await expect(reader.getEntities({ order: { field: '', order: 'asc' } })).rejects.toMatchObject({ name: 'InputError' });
    await expect(reader.getEntityAncestors('::')).rejects.toMatchObject({ name: 'InputError' });
  });

  it('getEntitiesByRefs answers in request order, undefined for malformed, unknown and filtered-out refs', async () => {
    const { items } = await reader.getEntitiesByRefs(['component:default/c', '::bad', 'component:default/zz', 'Component:default/B', 'component:a'], {
      filter: { 'spec.type': 'service' },
    });
    expect(names(items)).toEqual(['c', undefined, undefined, undefined, 'a']);
  });

  it('lookups return copies: changing one does not change the catalog', async () => {
    const a = await reader.getEntityByRef({ kind: 'Component', name: 'a' });
    a!.metadata.name = 'changed';
    expect((await reader.getEntityByUid(a!.metadata.uid!))?.metadata.name).toBe('a');
    expect(await reader.getEntityByRef('component:default/none')).toBeUndefined();
  });

  it('getEntityAncestors walks up the emitting entities; an unknown entity is a NotFoundError', async () => {
    const result = await reader.getEntityAncestors('component:default/a');
    expect(result.rootEntityRef).toBe('component:default/a');
    expect(result.items.map((i) => [i.entity.metadata.name, i.parentEntityRefs])).toEqual([
      ['a', ['location:default/root']],
      ['root', []],
    ]);
    await expect(reader.getEntityAncestors('component:default/none')).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('getEntityFacets counts values over the filtered entities', async () => {
    const { facets } = await reader.getEntityFacets({ facets: ['spec.type'], filter: { kind: 'component' } });
    expect(facets['spec.type']).toEqual(
      expect.arrayContaining([
        { value: 'service', count: 3 },
        { value: 'website', count: 1 },
        { value: 'library', count: 1 },
      ]),
    );
    await expect(reader.getEntityFacets({} as { facets: string[] })).rejects.toMatchObject({ name: 'InputError' });
  });
});
