import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION } from '@portalkit/catalog-model';
import { createLogger } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../index.js';
import type { EntityProvider } from '../index.js';

// The annotations the catalog relies on (where an entity came from) are not a patch's to change:
// neither key by key nor by removing `metadata.annotations` whole.

describe('write-back and the location annotations', () => {
  it('refuses a patch that removes metadata.annotations whole, and the entity keeps its location', async () => {
    let apply: ((entities: unknown[]) => Promise<void>) | undefined;
    const provider: EntityProvider = {
      name: 'inventory',
      async connect(connection) {
        apply = (entities) => connection.applyMutation({ type: 'full', entities: entities.map((entity) => ({ entity })) } as never);
      },
    };
    const catalog = createCatalog({ providers: [provider], logger: createLogger({ level: 'error' }) });
    await catalog.refresh();
    await apply!([
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: 'db', annotations: { [ANNOTATION_LOCATION]: 'url:https://inventory.example/db', [ANNOTATION_ORIGIN_LOCATION]: 'url:https://inventory.example/db' } },
        spec: { type: 'database', owner: 'team-a' },
      },
    ]);
    await expect(catalog.updateEntity('resource:default/db', { patch: { metadata: { annotations: null } } })).rejects.toMatchObject({ name: 'InputError' });
    const annotations = (await catalog.getEntityByRef('resource:default/db'))?.metadata.annotations ?? {};
    expect(annotations[ANNOTATION_LOCATION]).toBe('url:https://inventory.example/db');
    expect(annotations[ANNOTATION_ORIGIN_LOCATION]).toBe('url:https://inventory.example/db');
  });
});
