import { createCatalog, type Entity } from '@portalkit/catalog';
import { describe, expect, it } from 'vitest';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'from-provider' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

describe('entity providers that mutate while connecting', () => {
  it('do not deadlock the catalog when connect() awaits applyMutation', async () => {
    const catalog = createCatalog({
      providers: [{ name: 'eager', connect: (connection) => connection.applyMutation({ type: 'full', entities: [entity] }) }],
    });
    // Before the fix the first call waited for connect(), which waited for the first call.
    await catalog.refresh();
    expect((await catalog.getEntityByRef('component:default/from-provider'))?.metadata.name).toBe('from-provider');
  });

  it('still applies a provider refresh requested while connecting', async () => {
    const catalog = createCatalog({
      providers: [
        {
          name: 'eager',
          connect: async (connection) => {
            await connection.applyMutation({ type: 'full', entities: [entity] });
            await connection.refresh({ keys: ['nothing'] });
          },
        },
      ],
    });
    const { items } = await catalog.getEntities();
    expect(items).toEqual([]);
    await catalog.refresh();
    expect((await catalog.getEntities()).items.map((e) => e.metadata.name)).toEqual(['from-provider']);
  });
});
