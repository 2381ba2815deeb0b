import { describe, expect, it } from 'vitest';
import { createCatalog } from '../index.js';
import type { Entity, EntityProvider, EntityProviderConnection } from '../index.js';

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [] },
});

describe('entity providers', () => {
  it('may await applyMutation inside connect; the first refresh then serves what they pushed', async () => {
    let connection: EntityProviderConnection | undefined;
    const teams: EntityProvider = {
      name: 'teams',
      async connect(c) {
        connection = c;
        await c.applyMutation({ type: 'full', entities: [group('a'), group('b')] });
      },
    };
    const catalog = createCatalog({ providers: [teams] });
    await catalog.refresh();
    const names = async () => (await catalog.getEntities({ filter: { kind: 'group' } })).items.map((e) => e.metadata.name).sort();
    expect(await names()).toEqual(['a', 'b']);

    await connection!.applyMutation({ type: 'delta', added: [group('c')], removed: ['group:default/a'] });
    expect(await names()).toEqual(['b', 'c']);
    await connection!.applyMutation({ type: 'full', entities: [group('d')] });
    expect(await names()).toEqual(['d']);
  });
});

describe("entity providers: Backstage's mutation shapes", () => {
  const component = (name: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  });

  it("removes entities named as { entityRef } in a delta, as Backstage's providers send them", async () => {
    let connection: EntityProviderConnection | undefined;
    const provider: EntityProvider = {
      name: 'repos',
      async connect(c) {
        connection = c;
        await c.applyMutation({ type: 'full', entities: [{ entity: component('a') }, { entity: component('b') }] });
      },
    };
    const catalog = createCatalog({ providers: [provider] });
    await catalog.refresh();
    await connection!.applyMutation({ type: 'delta', added: [], removed: [{ entityRef: 'component:default/a' }] });
    expect(await catalog.getEntityByRef('component:default/a')).toBeUndefined();
    expect((await catalog.getEntityByRef('component:default/b'))?.metadata.name).toBe('b');
    // Backstage's refs keep their case; the catalog's keys are lowercase.
    await connection!.applyMutation({ type: 'delta', added: [], removed: [{ entityRef: 'Component:default/B', locationKey: 'provider:repos' }] });
    expect(await catalog.getEntityByRef('component:default/b')).toBeUndefined();
  });

  it('ignores a removal of an entity another source owns', async () => {
    let connection: EntityProviderConnection | undefined;
    const mine: EntityProvider = { name: 'mine', connect: (c) => void (connection = c) };
    const theirs: EntityProvider = {
      name: 'theirs',
      connect: (c) => c.applyMutation({ type: 'full', entities: [component('x')] }),
    };
    const catalog = createCatalog({ providers: [mine, theirs] });
    await catalog.refresh();
    await connection!.applyMutation({ type: 'delta', added: [], removed: [{ entityRef: 'component:default/x' }] });
    expect((await catalog.getEntityByRef('component:default/x'))?.metadata.name).toBe('x');
  });
});
