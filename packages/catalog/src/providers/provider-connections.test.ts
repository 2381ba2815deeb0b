import { createLogger } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import type { Entity } from '@portalkit/catalog-model';
import type { PassInput, PassItem } from '../processing/engine.js';
import { memoryStore } from '../stores/memory.js';
import type { RefreshState } from '../stores/types.js';
import { createProviderConnections, removedRef } from './provider-connections.js';

const entity = (name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name } });

const ownedRow = (ref: string, rootKey: string): RefreshState => ({
  entityRef: ref,
  rootKey,
  locationKey: rootKey,
  parentRefs: [],
  unprocessed: entity(ref.split('/')[1]!),
  errors: [],
  relations: [],
  refreshKeys: [],
  hash: '',
});

describe('removedRef', () => {
  it('keys every shape a provider may send as the lowercase catalog ref', () => {
    expect(removedRef('Component:default/A')).toBe('component:default/a');
    expect(removedRef({ entityRef: 'Component:Default/A' })).toBe('component:default/a');
    expect(removedRef({ entityRef: 'component:a', locationKey: 'url:https://x' })).toBe('component:default/a');
    expect(removedRef(entity('A'))).toBe('component:default/a');
    expect(removedRef({ entity: entity('a'), locationKey: 'k' })).toBe('component:default/a');
    expect(removedRef({ metadata: {} } as unknown as Entity)).toBeUndefined();
  });
});

describe('createProviderConnections', () => {
  const setup = async () => {
    const store = memoryStore();
    await store.transaction(async (tx) =>
      tx.putRefreshStates([ownedRow('component:default/a', 'provider:p'), ownedRow('component:default/b', 'provider:p'), ownedRow('component:default/o', 'provider:other')]),
    );
    const calls: { inputs: string[]; deletes: readonly string[] }[] = [];
    let passed: PassInput[] = [];
    const connections = createProviderConnections({
      store,
      logger: createLogger({ level: 'error' }),
      ready: async () => {},
      exclusive: (fn) => fn(),
      pass: async (inputs) => {
        passed = [...inputs];
        return new Map<string, PassItem>();
      },
      commit: async (_items, deletes = []) => {
        calls.push({ inputs: passed.map((i) => `${i.ref} ${i.rootKey} ${i.locationKey}`), deletes });
      },
      cascade: async (roots) => [...roots, 'component:default/child'],
      refreshRows: async () => {},
    });
    return { connection: connections.connectionFor('p'), calls };
  };

  it('a full mutation deletes (with their cascade) the entities of this provider left out', async () => {
    const { connection, calls } = await setup();
    await connection.applyMutation({ type: 'full', entities: [{ entity: entity('a'), locationKey: 'url:https://x' }] });
    expect(calls).toEqual([
      { inputs: ['component:default/a provider:p url:https://x'], deletes: ['component:default/b', 'component:default/child'] },
    ]);
  });

  it('a delta removes only refs this provider owns and not re-added, whatever their shape', async () => {
    const { connection, calls } = await setup();
    await connection.applyMutation({
      type: 'delta',
      added: [entity('b')],
      removed: [{ entityRef: 'component:default/a' }, 'component:default/b', { entityRef: 'component:default/o' }, { entityRef: 'component:default/none' }],
    });
    expect(calls).toEqual([{ inputs: ['component:default/b provider:p provider:p'], deletes: ['component:default/a', 'component:default/child'] }]);
  });

  it('leaves out an entity whose ref no store can key and applies the rest', async () => {
    const { connection, calls } = await setup();
    await connection.applyMutation({ type: 'delta', added: [entity('x'.repeat(100_000)), entity('c')], removed: [] });
    expect(calls).toEqual([{ inputs: ['component:default/c provider:p provider:p'], deletes: [] }]);
  });

  it('rejects an entity without kind or name, naming the provider', async () => {
    const { connection } = await setup();
    await expect(connection.applyMutation({ type: 'full', entities: [{ metadata: {} } as unknown as Entity] })).rejects.toThrow(/provider p/);
  });
});
