import { describe, expect, it } from 'vitest';
import { catalogCollator, entityToDocument } from './catalog.js';
import type { SearchableEntity } from './entity.js';

const entity = (name: string, extra: Partial<SearchableEntity['metadata']> = {}, spec: Record<string, unknown> = {}): SearchableEntity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, ...extra },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production', ...spec },
});

async function collectAll(collator: ReturnType<typeof catalogCollator>) {
  const docs = [];
  const errors: unknown[] = [];
  for await (const doc of collator.collect({ reportError: (e) => errors.push(e) })) docs.push(doc);
  return { docs, errors };
}

describe('catalogCollator', () => {
  it('maps an entity to a document with Backstage catalog fields', () => {
    const doc = entityToDocument(
      entity('payments', {
        namespace: 'Finance',
        title: 'Payments API',
        description: 'Charges cards',
        tags: ['java'],
        annotations: { 'github.com/project-slug': 'acme/payments' },
      }),
    );
    const { authorization, ...fields } = doc;
    // Who may see it: the entity, with the facts permission conditions read (its search rows).
    expect(authorization?.resourceRef).toBe('component:finance/payments');
    expect(authorization?.facts).toMatchObject({ kind: ['component'], 'metadata.namespace': ['finance'], 'metadata.tags': ['java'], 'spec.owner': ['team-a'] });
    expect(fields).toEqual({
      type: 'software-catalog',
      title: 'Payments API',
      text: 'Charges cards',
      location: '/catalog/finance/component/payments',
      entityRef: 'component:finance/payments',
      name: 'payments',
      namespace: 'Finance',
      kind: 'Component',
      componentType: 'service',
      owner: 'team-a',
      lifecycle: 'production',
      tags: ['java'],
      annotations: { 'github.com/project-slug': 'acme/payments' },
    });
    const bare = entityToDocument({ apiVersion: 'v1', kind: 'Group', metadata: { name: 'team-a' } });
    expect(bare).toMatchObject({ title: 'team-a', text: '', location: '/catalog/default/group/team-a' });
    expect(bare).not.toHaveProperty('owner');
  });

  it('collects from arrays, iterables and async iterables, reporting bad entities without stopping', async () => {
    const bad = { apiVersion: 'v1', kind: 'Component', metadata: {} } as unknown as SearchableEntity;
    const fromArray = await collectAll(catalogCollator({ getEntities: async () => [entity('a'), bad, entity('b')] }));
    expect(fromArray.docs.map((d) => d.title)).toEqual(['a', 'b']);
    expect(fromArray.errors).toHaveLength(1);
    expect(fromArray.errors[0]).toMatchObject({ name: 'InputError' });
    const fromAsync = await collectAll(
      catalogCollator({
        async *getEntities() {
          yield entity('c');
        },
      }),
    );
    expect(fromAsync.docs.map((d) => d.title)).toEqual(['c']);
  });

  it('turns events into removals by entityRef and upserts, on configurable topics', async () => {
    const collator = catalogCollator({ getEntities: () => [], topics: { upserted: 'up', deleted: 'down' } });
    expect(collator.topics).toEqual(['up', 'down']);
    const update = await collator.update!('up', { entityRef: 'Component:default/Payments', entityId: 'u1', entity: entity('Payments') });
    expect(update?.remove).toEqual({ filters: { entityRef: ['component:default/payments'] } });
    expect(update?.upsert?.[0]).toMatchObject({ title: 'Payments', entityRef: 'component:default/payments' });
    expect(await collator.update!('down', { entityRef: 'component:default/payments', entityId: 'u1', entity: entity('payments') })).toEqual({
      remove: { filters: { entityRef: 'component:default/payments' } },
    });
    expect(await collator.update!('other', {})).toBeUndefined();
    expect(() => collator.update!('down', { nope: 1 })).toThrow(/Invalid down payload/);
    // Payloads are read with the catalog's schemas (catalog-model), not a shape of search's own.
    expect(() => collator.update!('up', { entity: { kind: 'X' } })).toThrow(/Invalid up payload/);
    expect(() => collator.update!('down', { ref: 'component:default/payments' })).toThrow(/Invalid down payload: entityRef/);
  });

  it('rejects misuse at creation', () => {
    expect(() => catalogCollator({} as never)).toThrow(/catalogCollator: getEntities/);
  });
});
