import { createLogger } from '@portalkit/core';
import { ANNOTATION_ORPHAN, CATALOG_TOPICS, catalogEventSchemas } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { describe, expect, it } from 'vitest';
import type { PassItem } from '../processing/engine.js';
import { memoryStore } from '../stores/memory.js';
import type { CatalogStore, CatalogStoreTransaction } from '../stores/types.js';
import { createCommitter } from './committer.js';
import { stateHash } from './state-hash.js';

const entity = (kind: string, name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name } });

/** A processed pass item; `parentRefs` empty and `rootKey` set makes a root. */
function item(ref: string, extra: Partial<PassItem> = {}): PassItem {
  const [kind, rest] = ref.split(':') as [string, string];
  const e = entity(kind, rest.split('/')[1]!);
  return { ref, unprocessed: e, processed: e, errors: [], relations: [], refreshKeys: [], parentRefs: [], ...extra };
}
const pass = (...items: PassItem[]) => new Map(items.map((i) => [i.ref, i]));

function setup(store: CatalogStore = memoryStore()) {
  const published: { topic: string; payload: Record<string, unknown> }[] = [];
  const events = {
    async publish(topic: string, payload: Record<string, unknown>) {
      // Every payload must parse with the producer's schema, as consumers parse it.
      catalogEventSchemas[topic as keyof typeof catalogEventSchemas].parse(payload);
      published.push({ topic, payload });
    },
  };
  const committer = createCommitter({ store, logger: createLogger({ level: 'error' }), events: () => events });
  const entityOf = async (ref: string) => (await store.getEntities({ refs: [ref] }))[0]?.entity;
  return { store, committer, published, entityOf };
}

const root = item('location:default/root', { rootKey: 'location:1' });
const child = (name: string, parents = ['location:default/root'], extra: Partial<PassItem> = {}) =>
  item(`component:default/${name}`, { parentRefs: parents, locationKey: 'file:/srv/a.yaml', ...extra });

describe('createCommitter: commit', () => {
  it('stores refresh states and stitched final entities, and publishes an upsert per written entity', async () => {
    const { committer, store, published, entityOf } = setup();
    await committer.commit(pass(root, child('a')));
    expect((await store.getRefreshStates({ all: true })).map((r) => [r.entityRef, r.parentRefs]).sort()).toEqual([
      ['component:default/a', ['location:default/root']],
      ['location:default/root', []],
    ]);
    const a = await entityOf('component:default/a');
    expect(a?.metadata.uid).toBeTruthy();
    expect(a?.metadata.annotations?.[ANNOTATION_ORPHAN]).toBeUndefined();
    expect(published.map((p) => [p.topic, p.payload.entityRef])).toEqual([
      [CATALOG_TOPICS.entityUpserted, 'component:default/a'],
      [CATALOG_TOPICS.entityUpserted, 'location:default/root'],
    ]);
  });

  it('publishes nothing for an entity whose stitched form did not change', async () => {
    const { committer, published } = setup();
    await committer.commit(pass(root, child('a')));
    published.length = 0;
    await committer.commit(pass(root, child('a')));
    expect(published).toEqual([]);
  });

  it('stitches relations emitted by other entities into their source, and drops them with their emitter', async () => {
    const { committer, entityOf } = setup();
    const owns = { sourceRef: 'group:default/team', type: 'ownerOf', targetRef: 'component:default/a' };
    const team = item('group:default/team', { parentRefs: ['location:default/root'] });
    await committer.commit(pass(root, team, child('a', undefined, { relations: [owns] })));
    expect((await entityOf('group:default/team'))?.relations).toEqual([{ type: 'ownerOf', targetRef: 'component:default/a' }]);
    await committer.commit(new Map(), ['component:default/a']);
    expect((await entityOf('group:default/team'))?.relations).toEqual([]);
  });

  it('marks an entity no parent emits any more as an orphan, and keeps serving it', async () => {
    const { committer, entityOf } = setup();
    await committer.commit(pass(root, child('a')));
    // The root is reprocessed and emits nothing: `a` loses its parent.
    await committer.commit(pass(root));
    const a = await entityOf('component:default/a');
    expect(a?.metadata.annotations?.[ANNOTATION_ORPHAN]).toBe('true');
    // Emitted again, it is adopted and the flag goes.
    await committer.commit(pass(root, child('a')));
    expect((await entityOf('component:default/a'))?.metadata.annotations?.[ANNOTATION_ORPHAN]).toBeUndefined();
  });

  it('keeps a child when its parent failed this time (last good state, not an orphan)', async () => {
    const { committer, entityOf } = setup();
    await committer.commit(pass(root, child('a')));
    const failed = item('location:default/root', { rootKey: 'location:1', processed: undefined, errors: [{ name: 'InputError', message: 'bad yaml' }] });
    await committer.commit(pass(failed));
    expect((await entityOf('component:default/a'))?.metadata.annotations?.[ANNOTATION_ORPHAN]).toBeUndefined();
    // The failed root keeps serving its last processed form, with the error in its status.
    expect((await entityOf('location:default/root'))?.status?.items?.[0]?.message).toBe('InputError: bad yaml');
  });

  it('keeps a child whose file could not be read this time', async () => {
    const { committer, entityOf } = setup();
    await committer.commit(pass(root, child('a')));
    await committer.commit(pass({ ...root, retainedLocationKeys: ['file:/srv/a.yaml'] }));
    expect((await entityOf('component:default/a'))?.metadata.annotations?.[ANNOTATION_ORPHAN]).toBeUndefined();
  });

  it('deletes refresh states and final entities, publishing a deleted event with the last served entity', async () => {
    const { committer, store, published, entityOf } = setup();
    await committer.commit(pass(root, child('a')));
    const served = await entityOf('component:default/a');
    published.length = 0;
    await committer.commit(new Map(), ['component:default/a']);
    expect(await entityOf('component:default/a')).toBeUndefined();
    expect(await store.getRefreshStates({ refs: ['component:default/a'] })).toEqual([]);
    expect(published).toEqual([
      {
        topic: CATALOG_TOPICS.entityDeleted,
        payload: { entityRef: 'component:default/a', entityId: served!.metadata.uid, entity: served, ref: 'component:default/a', uid: served!.metadata.uid },
      },
    ]);
  });

  it('skips states whose hash is unchanged: no write, no restitch; one changed field is written', async () => {
    const base = memoryStore();
    const writes: { states: string[]; entities: string[] } = { states: [], entities: [] };
    const spied: CatalogStore = Object.assign(Object.create(base), {
      transaction: <T>(fn: (tx: CatalogStoreTransaction) => Promise<T>) =>
        base.transaction((tx) =>
          fn({
            ...tx,
            putRefreshStates: async (rows) => {
              writes.states.push(...rows.map((r) => r.entityRef));
              await tx.putRefreshStates(rows);
            },
            putEntities: async (rows) => {
              writes.entities.push(...rows.map((r) => r.entityRef));
              await tx.putEntities(rows);
            },
          }),
        ),
    });
    const { committer, entityOf } = setup(spied);
    await committer.commit(pass(root, child('a'), child('b')));
    const [stored] = await base.getRefreshStates({ refs: ['component:default/a'] });
    expect(stored!.hash).toBe(stateHash(stored!));
    writes.states.length = writes.entities.length = 0;

    await committer.commit(pass(root, child('a'), child('b')));
    expect(writes).toEqual({ states: [], entities: [] });

    // One field of one entity changes: that state and its final entity are written, nothing else.
    const changed = { ...entity('Component', 'b'), metadata: { name: 'b', title: 'B' } };
    await committer.commit(pass(root, child('a'), child('b', undefined, { unprocessed: changed, processed: changed })));
    expect(writes).toEqual({ states: ['component:default/b'], entities: ['component:default/b'] });
    expect((await entityOf('component:default/b'))?.metadata.title).toBe('B');
  });

  it('rewrites a state stored without a hash (written before hashes) once, then skips it', async () => {
    const { committer, store } = setup();
    await committer.commit(pass(root, child('a')));
    const [a] = await store.getRefreshStates({ refs: ['component:default/a'] });
    await store.transaction((tx) => tx.putRefreshStates([{ ...a!, hash: '' }]));
    await committer.commit(pass(root, child('a')));
    expect((await store.getRefreshStates({ refs: ['component:default/a'] }))[0]!.hash).toBe(a!.hash);
  });

  it('writes nothing when the store transaction fails, and publishes nothing', async () => {
    const base = memoryStore();
    const failing: CatalogStore = Object.assign(Object.create(base), {
      transaction: async () => {
        throw new Error('disk full');
      },
    });
    const { committer, published } = setup(failing);
    await expect(committer.commit(pass(root, child('a')))).rejects.toThrow('disk full');
    expect(published).toEqual([]);
    expect(await base.getEntities({ refs: ['component:default/a'] })).toEqual([]);
  });

  it('commits under the store commit lock when the store is shared by workers', async () => {
    const base = memoryStore();
    const order: string[] = [];
    const shared: CatalogStore = Object.assign(Object.create(base), {
      processingLeases: {
        claim: async () => [],
        release: async () => {},
        withCommitLock: async <T>(fn: () => Promise<T>) => {
          order.push('lock');
          const result = await fn();
          order.push('unlock');
          return result;
        },
      },
    });
    const { committer } = setup(shared);
    await committer.commit(pass(root));
    expect(order).toEqual(['lock', 'unlock']);
    expect(await base.getEntities({ refs: ['location:default/root'] })).toHaveLength(1);
  });
});

describe('createCommitter: cascade and removal', () => {
  it('cascades to descendants nothing else emits, never to roots or shared children', async () => {
    const { committer } = setup();
    const other = item('location:default/other', { rootKey: 'location:2' });
    const a = child('a');
    const b = item('component:default/b', { parentRefs: ['component:default/a'] });
    const shared = item('component:default/shared', { parentRefs: ['component:default/a', 'location:default/other'] });
    const rootChild = item('location:default/nested', { parentRefs: ['component:default/a'], rootKey: 'location:3' });
    await committer.commit(pass(root, other, a, b, shared, rootChild));
    expect((await committer.cascade(['location:default/root'])).sort()).toEqual([
      'component:default/a',
      'component:default/b',
      'location:default/root',
    ]);
  });

  it('removeEntityByUid deletes the entity, and is a NotFoundError for an unknown uid', async () => {
    const { committer, entityOf } = setup();
    await committer.commit(pass(root, child('a')));
    const a = await entityOf('component:default/a');
    await committer.removeEntityByUid(a!.metadata.uid!);
    expect(await entityOf('component:default/a')).toBeUndefined();
    await expect(committer.removeEntityByUid('nope')).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
