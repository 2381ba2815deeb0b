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
