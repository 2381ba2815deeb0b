import { describe, expect, test } from 'vitest';
import {
  CATALOG_TOPICS,
  catalogEntityDeletedEvent,
  catalogEntityUpsertedEvent,
  catalogEventSchemas,
  catalogProviderStateChangedEvent,
  entityProviderStatusSchema,
} from './index.js';

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
    expect(catalogEventSchemas[CATALOG_TOPICS.providerStateChanged]).toBe(catalogProviderStateChangedEvent);
    expect(CATALOG_TOPICS).toEqual({
      entityUpserted: 'catalog.entity.upserted',
      entityDeleted: 'catalog.entity.deleted',
      providerStateChanged: 'catalog.provider.state-changed',
    });
  });
});

describe('provider status and state change schemas', () => {
  const status = {
    name: 'ldap-org:corp',
    state: 'retrying',
    lastSuccessAt: null,
    lastErrorAt: '2026-01-01T00:00:00.000Z',
    lastError: { name: 'ServiceUnavailableError', message: 'connect ECONNREFUSED' },
    consecutiveFailures: 2,
    nextAttemptAt: '2026-01-01T00:00:04.000Z',
  };

  test('read a status and a state change', () => {
    expect(entityProviderStatusSchema.parse(status)).toEqual(status);
    expect(catalogProviderStateChangedEvent.parse({ ...status, previousState: 'connecting' }).previousState).toBe('connecting');
    expect(catalogProviderStateChangedEvent.parse({ ...status, state: 'connecting', previousState: null }).previousState).toBeNull();
  });

  test('refuse unknown states, times that are not ISO, negative counts and missing keys', () => {
    expect(entityProviderStatusSchema.safeParse({ ...status, state: 'sleeping' }).success).toBe(false);
    expect(entityProviderStatusSchema.safeParse({ ...status, lastErrorAt: 'yesterday' }).success).toBe(false);
    expect(entityProviderStatusSchema.safeParse({ ...status, consecutiveFailures: -1 }).success).toBe(false);
    const { nextAttemptAt: _, ...missing } = status;
    expect(entityProviderStatusSchema.safeParse(missing).success).toBe(false);
    expect(catalogProviderStateChangedEvent.safeParse(status).success).toBe(false);
  });
});
