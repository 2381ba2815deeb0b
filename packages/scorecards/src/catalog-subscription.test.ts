import { describe, expect, it, vi } from 'vitest';
import { createEventBus } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import { CATALOG_TOPICS } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { component } from './__testkit__/catalog.js';
import { createCatalogSubscription } from './catalog-subscription.js';
import { createSerialQueue } from './serial-queue.js';

const logger = (): Logger => {
  const l: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => l };
  return l;
};

const ref = (name: string) => `component:default/${name}`;
const upserted = (name: string) => ({ entityRef: ref(name), entityId: `uid-${name}`, entity: component(name) });
const deleted = (name: string) => ({ entityRef: ref(name), entityId: `uid-${name}`, entity: component(name) });

function setup() {
  const batches: Array<{ upserted: string[]; deleted: string[] }> = [];
  const log = logger();
  const queue = createSerialQueue();
  const subscription = createCatalogSubscription({
    queue,
    logger: () => log,
    apply: async ({ upserted, deleted }) => {
      batches.push({ upserted: upserted.map((e: Entity) => e.metadata.name), deleted });
      return { evaluated: 0, removed: 0, entityRefs: [] };
    },
  });
  const events = createEventBus();
  subscription.subscribe(events);
  return { batches, log, queue, subscription, events };
}

describe('createCatalogSubscription', () => {
  it('batches what arrives while an evaluation runs; the last event for a ref wins', async () => {
    const { batches, queue, subscription, events } = setup();
    let release!: () => void;
    void queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    await events.publish(CATALOG_TOPICS.entityUpserted, upserted('a'));
    await events.publish(CATALOG_TOPICS.entityUpserted, upserted('b'));
    await events.publish(CATALOG_TOPICS.entityDeleted, deleted('b'));
    await events.publish(CATALOG_TOPICS.entityDeleted, deleted('c'));
    await events.publish(CATALOG_TOPICS.entityUpserted, upserted('c'));
    release();
    await subscription.idle();
    expect(batches).toEqual([{ upserted: ['a', 'c'], deleted: ['component:default/b'] }]);
  });

  it('skips and logs payloads that do not match the catalog’s schemas, and stops on unsubscribe', async () => {
    const { batches, log, subscription, events } = setup();
    await events.publish(CATALOG_TOPICS.entityDeleted, { ref: 'component:default/a', uid: 'x' });
    await events.publish(CATALOG_TOPICS.entityDeleted, { ...deleted('a'), entityRef: 'component:default/a\u0000' });
    await events.publish(CATALOG_TOPICS.entityUpserted, { ...upserted('a'), entity: { kind: 'Component' } });
    await subscription.idle();
    expect(batches).toEqual([]);
    expect(log.warn).toHaveBeenCalledTimes(3);
    subscription.unsubscribe();
    await events.publish(CATALOG_TOPICS.entityUpserted, upserted('a'));
    await subscription.idle();
    expect(batches).toEqual([]);
  });

  it('logs a failed batch and keeps applying later ones', async () => {
    const log = logger();
    let calls = 0;
    const subscription = createCatalogSubscription({
      queue: createSerialQueue(),
      logger: () => log,
      apply: async () => {
        calls += 1;
        if (calls === 1) throw new Error('store down');
        return { evaluated: 1, removed: 0, entityRefs: [] };
      },
    });
    const events = createEventBus();
    subscription.subscribe(events);
    subscription.subscribe(events); // a second subscribe does not double the events
    await events.publish(CATALOG_TOPICS.entityUpserted, upserted('a'));
    await subscription.idle();
    await events.publish(CATALOG_TOPICS.entityUpserted, upserted('b'));
    await subscription.idle();
    expect(calls).toBe(2);
    expect(log.error).toHaveBeenCalledWith('scorecards: incremental evaluation failed', expect.anything());
  });
});
