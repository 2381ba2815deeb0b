import { describe, expect, it } from 'vitest';
import { memoryStore } from './memory.js';
// Through the published entry point, as a store author would.
import { runStoreContract } from '@portalkit/catalog/testing';

runStoreContract({ name: 'memory', create: async () => ({ store: memoryStore() }) });

describe('memoryStore', () => {
  it('runs transactions one at a time', async () => {
    const store = memoryStore();
    const order: string[] = [];
    await Promise.all([
      store.transaction(async () => {
        await new Promise((r) => setTimeout(r, 20));
        order.push('first');
      }),
      store.transaction(async () => {
        order.push('second');
      }),
    ]);
    expect(order).toEqual(['first', 'second']);
  });

  it('rejects writes after the transaction ended', async () => {
    const store = memoryStore();
    let leaked: Parameters<Parameters<typeof store.transaction>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.deleteLocation('x')).rejects.toThrow(/after the transaction ended/);
  });
});

describe('memoryStore totals', () => {
  const row = (i: number, type: string) => ({
    entityRef: `component:default/c-${i}`,
    uid: `uid-${String(i).padStart(5, '0')}`,
    etag: `etag-${i}-${type}`,
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: i % 2 ? 'Component' : 'API',
      metadata: { name: `c-${i}`, namespace: 'default' },
      spec: { type, lifecycle: i % 397 === 0 ? 'rare' : 'production' },
    },
  });
  const filters = [
    { allOf: [{ key: 'kind', values: ['component'] }, { key: 'spec.type', values: ['service'] }] },
    { anyOf: [{ allOf: [{ key: 'kind', values: ['api'] }, { key: 'spec.type', values: ['service', 'website'] }] }] },
    { allOf: [{ key: 'kind', values: ['component'] }, { key: 'spec.lifecycle', values: ['rare'] }] },
    { allOf: [{ key: 'spec.type' }, { key: 'kind', values: ['component'] }, { key: 'spec.lifecycle', values: ['production'] }] },
  ];
  const check = async (store: ReturnType<typeof memoryStore>) => {
    for (const filter of filters) {
      const all = await store.queryEntities({ filter });
      const page = await store.queryEntities({ filter, limit: 5, includeTotal: true });
      expect(page.totalItems).toBe(all.items.length);
      expect(page.items.length).toBe(Math.min(5, all.items.length));
    }
  };

  it('counts index-only filters exactly, before and after writes change the sets', async () => {
    const store = memoryStore();
    const types = ['service', 'website', 'library'];
    await store.transaction(async (tx) => tx.putEntities(Array.from({ length: 3000 }, (_, i) => row(i, types[i % 3]!))));
    await check(store);
    expect((await store.queryEntities({ filter: filters[0]!, limit: 1, includeTotal: true })).totalItems).toBe(500);
    await store.transaction(async (tx) => {
      await tx.deleteEntities(Array.from({ length: 300 }, (_, i) => `component:default/c-${i * 7}`));
      await tx.putEntities(Array.from({ length: 400 }, (_, i) => row(i * 5 + 1, 'service')));
      await tx.putEntities(Array.from({ length: 500 }, (_, i) => row(3000 + i, types[i % 2]!)));
    });
    await check(store);
  });
});
