import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { catalogPlugin, createCatalog } from '@portalkit/catalog';
import { createEventBus, createPortal, type EventBus } from '@portalkit/core';
import { catalogCollator, searchPlugin } from '@portalkit/search';
import { defineScorecard, hasOwner, scorecardsPlugin } from '@portalkit/scorecards';
import { afterAll, describe, expect, it } from 'vitest';

// At least once means an event may come twice (a process that died after delivering a batch
// but before storing its position gets the batch again). This bus delivers everything twice.
function twiceBus(): EventBus<Record<string, unknown>> {
  const inner = createEventBus();
  return {
    subscribe: inner.subscribe,
    async publish(topic, payload) {
      await inner.publish(topic, payload);
      await inner.publish(topic, payload);
    },
  };
}

describe('search and scorecards take an event delivered twice as once', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pk-twice-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an upsert and a delete, each delivered twice, leave one document and one result, then none', async () => {
    const catalog = createCatalog({ rootDir: dir });
    const owned = defineScorecard({ id: 'owned', levels: [{ id: 'bronze', checks: [{ check: hasOwner(), weight: 1 }] }] });
    const search = searchPlugin({ collators: [catalogCollator({ getEntities: async () => (await catalog.getEntities()).items })] });
    const scorecards = scorecardsPlugin({ catalog, scorecards: [owned] });
    const portal = createPortal({ plugins: [catalogPlugin({ catalog }), search, scorecards], events: twiceBus() });
    await portal.start();
    try {
      const file = path.join(dir, 'payments.yaml');
      writeFileSync(file, 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n');
      const { location } = await catalog.addLocation({ type: 'file', target: file });
      await scorecards.scorecards.idle();
      const found = await search.search.query({ term: 'payments' });
      expect(found.results.filter((r) => r.document.title === 'payments')).toHaveLength(1);
      expect((await scorecards.scorecards.getEntityResults('component:default/payments')).latest).toHaveLength(1);

      await catalog.removeLocation(location.id);
      await scorecards.scorecards.idle();
      expect((await search.search.query({ term: 'payments' })).results).toEqual([]);
      expect((await scorecards.scorecards.getEntityResults('component:default/payments')).latest).toEqual([]);
    } finally {
      await portal.stop();
    }
  });
});
