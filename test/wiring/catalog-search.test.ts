import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { catalogPlugin } from '@portalkit/catalog';
import { createEventBus, createLogger, createPortal, memorySink, type EventBus, type Portal } from '@portalkit/core';
import { catalogCollator, searchPlugin } from '@portalkit/search';

// catalog -> search, wired as a new user wires it: the two plugins in one portal, nothing else.
describe('wiring: catalog -> search', () => {
  let dir: string;
  let portal: Portal | undefined;
  let sink: ReturnType<typeof memorySink>;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wiring-catalog-search-'));
    await writeFile(
      path.join(dir, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  description: Takes card payments\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n',
    );
  });

  afterEach(async () => {
    await portal?.stop();
    portal = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  /** The two plugins in one portal; `events` only when the host brings its own bus. */
  const start = async (events?: EventBus): Promise<Portal> => {
    const catalog = catalogPlugin({ rootDir: dir });
    sink = memorySink();
    portal = createPortal({
      logger: createLogger({ sink }),
      ...(events ? { events } : {}),
      plugins: [
        catalog,
        searchPlugin({ collators: [catalogCollator({ getEntities: async () => (await catalog.catalog.getEntities()).items })] }),
      ],
    });
    await portal.start();
    return portal;
  };

  const json = { 'content-type': 'application/json' };
  const register = async (p: Portal): Promise<string> => {
    const res = await p.request('/api/catalog/locations', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ type: 'file', target: path.join(dir, 'catalog-info.yaml') }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { location: { id: string } }).location.id;
  };
  const searchRefs = async (p: Portal, term: string): Promise<string[]> => {
    const res = await p.request(`/api/search/query?term=${encodeURIComponent(term)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Array<{ document: { entityRef?: string } }> };
    return body.results.map((r) => r.document.entityRef ?? '');
  };

  test('a registered entity becomes searchable, and a deleted one disappears from search', async () => {
    const p = await start();
    const id = await register(p);
    expect(await searchRefs(p, 'payments')).toEqual(['component:default/payments']);

    const deleted = await p.request(`/api/catalog/locations/${id}`, { method: 'DELETE', headers: json });
    expect(deleted.status).toBe(204);
    expect((await p.request('/api/catalog/entities/by-name/component/default/payments')).status).toBe(404);
    expect(await searchRefs(p, 'payments')).toEqual([]);
  });

  test('with the host’s own bus too, and a payload that does not match the catalog schema is logged and ignored', async () => {
    const bus = createEventBus();
    const p = await start(bus);
    const id = await register(p);
    // The catalog's old shape and search's old shape: neither is the contract.
    await bus.publish('catalog.entity.deleted', { ref: 'component:default/payments', uid: 'x' });
    await bus.publish('catalog.entity.deleted', { entityRef: 'component:default/payments' });
    expect(await searchRefs(p, 'payments')).toEqual(['component:default/payments']);
    expect(sink.records.filter((r) => r.level === 'warn' && r.message.includes('could not read'))).toHaveLength(2);

    expect((await p.request(`/api/catalog/locations/${id}`, { method: 'DELETE', headers: json })).status).toBe(204);
    expect(await searchRefs(p, 'payments')).toEqual([]);
  });
});
