import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CATALOG_TOPICS } from '@portalkit/catalog-model';
import { catalogPlugin } from '@portalkit/catalog';
import { createEventBus, createLogger, createPortal, memorySink, type EventBus, type Portal } from '@portalkit/core';
import { defineScorecard, hasDescription, hasOwner, scorecardsPlugin, type Scorecards } from '@portalkit/scorecards';

// catalog -> scorecards: the real catalog publishes, the real scorecards service consumes.
describe('wiring: catalog -> scorecards', () => {
  let dir: string;
  let portal: Portal;
  let scorecards: Scorecards;
  let sink: ReturnType<typeof memorySink>;
  let bus: EventBus;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wiring-catalog-scorecards-'));
    await writeFile(
      path.join(dir, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n',
    );
    const catalog = catalogPlugin({ rootDir: dir });
    const plugin = scorecardsPlugin({
      catalog: catalog.catalog,
      scorecards: [defineScorecard({ id: 'readiness', levels: [{ id: 'bronze', checks: [hasOwner(), hasDescription()] }] })],
    });
    scorecards = plugin.scorecards;
    sink = memorySink();
    // The host's own bus, so a test can also publish what a foreign producer might.
    bus = createEventBus();
    portal = createPortal({ logger: createLogger({ sink, level: 'debug' }), events: bus, plugins: [catalog, plugin] });
    await portal.start();
  });

  afterEach(async () => {
    await portal.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (url: string, body?: unknown, method = 'POST') =>
    portal.request(url, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const ownerResults = async () => (await scorecards.getOwnerResults('group:default/team-a')).results.map((r) => `${r.scorecardId} ${r.entityRef}`);

  test('a registered entity is rated, and its result is dropped when the entity is deleted', async () => {
    const registered = await post('/api/catalog/locations', { type: 'file', target: path.join(dir, 'catalog-info.yaml') });
    expect(registered.status).toBe(201);
    const { location } = (await registered.json()) as { location: { id: string } };
    await scorecards.idle();
    expect(await ownerResults()).toEqual(['readiness component:default/payments']);

    expect((await post(`/api/catalog/locations/${location.id}`, undefined, 'DELETE')).status).toBe(204);
    await scorecards.idle();
    expect(await ownerResults()).toEqual([]);
  });

  test('a payload that does not match the catalog schema is logged and ignored', async () => {
    await post('/api/catalog/locations', { type: 'file', target: path.join(dir, 'catalog-info.yaml') });
    await scorecards.idle();
    // The shape search used to expect (no entityId, no entity), and junk.
    await bus.publish(CATALOG_TOPICS.entityDeleted, { entityRef: 'component:default/payments' });
    await bus.publish(CATALOG_TOPICS.entityUpserted, { entityRef: 42 });
    await scorecards.idle();
    expect(await ownerResults()).toEqual(['readiness component:default/payments']);
    const warnings = sink.records.filter((r) => r.level === 'warn' && r.message.includes('does not match its schema'));
    expect(warnings.map((r) => r.fields.topic)).toEqual([CATALOG_TOPICS.entityDeleted, CATALOG_TOPICS.entityUpserted]);
  });
});
