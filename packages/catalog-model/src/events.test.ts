import { describe, expect, test } from 'vitest';
import { CATALOG_TOPICS, catalogEntityDeletedEvent, catalogEntityUpsertedEvent, catalogEventSchemas } from './index.js';

const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a', uid: 'u1' } };

describe('catalog event schemas', () => {
  test('read Backstage’s field names, with the deprecated ref/uid the catalog still sends', () => {
    const payload = { entityRef: 'component:default/a', entityId: 'u1', entity, ref: 'component:default/a', uid: 'u1' };
    expect(catalogEntityUpsertedEvent.parse(payload)).toEqual(payload);
    expect(catalogEntityDeletedEvent.parse({ entityRef: 'component:default/a', entityId: 'u1', entity }).entityRef).toBe('component:default/a');
  });

  test('refuse the shapes consumers used to declare for themselves', () => {
    expect(catalogEntityDeletedEvent.safeParse({ ref: 'component:default/a', uid: 'u1' }).success).toBe(false);
    expect(catalogEntityDeletedEvent.safeParse({ entityRef: 'component:default/a' }).success).toBe(false);
    expect(catalogEntityUpsertedEvent.safeParse({ entityRef: 'component:default/a', entityId: 'u1', entity: { kind: 'X' } }).success).toBe(false);
  });

  test('are listed by topic', () => {
    expect(catalogEventSchemas[CATALOG_TOPICS.entityUpserted]).toBe(catalogEntityUpsertedEvent);
    expect(catalogEventSchemas[CATALOG_TOPICS.entityDeleted]).toBe(catalogEntityDeletedEvent);
    expect(CATALOG_TOPICS).toEqual({ entityUpserted: 'catalog.entity.upserted', entityDeleted: 'catalog.entity.deleted' });
  });
});
