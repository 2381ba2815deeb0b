import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG_FILTER_EXISTS as CLIENT_FILTER_EXISTS, CatalogClient } from '@backstage/catalog-client';
import { toNodeHandler } from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinKinds } from '@portalkit/catalog-model';
import { createCatalog } from '../create-catalog.js';
import type { Entity } from '@portalkit/catalog-model';
import type { Catalog } from '../types.js';
import { memoryStore } from '../stores/memory.js';
import { pgliteStore } from '../stores/pglite/index.js';
import type { CatalogStore } from '../stores/types.js';

const fixtures = fileURLToPath(new URL('../../fixtures', import.meta.url));
// The fixture repository is the host's own catalog: it may contribute every built-in kind
// (locations registered with addLocation otherwise get Backstage's Component/API/Location).
const trustFixtures = [{ allow: builtinKinds.map((k) => k.kind) }];

const extraComponent = (description: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: extra-service
  description: ${description}
spec:
  type: service
  lifecycle: experimental
  owner: team-payments
`;

const validEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checked' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
};

/** The error `CatalogClient` throws for a non-2xx answer (a `ResponseError`). */
async function responseError(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; response: { status: number }; body: { error: { name: string; message: string }; response: { statusCode: number } } };
  expect(error?.name).toBe('ResponseError');
  return { status: error.response.status, body: error.body };
}

// The same suite against the in-memory store and the embedded SQL store: the HTTP layer must not
// depend on which one holds the entities.
const stores: Record<string, () => CatalogStore & { close?: () => Promise<void> }> = {
  memory: () => memoryStore(),
  pglite: () => pgliteStore(),
};

describe.each(Object.keys(stores))('%s store', (storeName) => {
  let root: string;
  let catalog: Catalog;
  let store: CatalogStore & { close?: () => Promise<void> };
  let server: ReturnType<typeof createServer>;
  let baseUrl: string;
  let client: CatalogClient;

  const snapshot = async () => ({
    entities: (await catalog.getEntities()).items,
    locations: await catalog.getLocations(),
  });

  beforeAll(async () => {
    // A copy, so tests can add and change files without touching the repository's fixtures.
    root = await mkdtemp(path.join(tmpdir(), 'portalkit-catalog-http-'));
    await cp(fixtures, root, { recursive: true });
    await mkdir(path.join(root, 'extra'));
    await writeFile(path.join(root, 'extra/catalog-info.yaml'), extraComponent('first version'));
    store = stores[storeName]!();
    catalog = createCatalog({ rootDir: root, store, rules: trustFixtures });
    await catalog.addLocation({ type: 'file', target: './all.yaml' });
    // Only the `Authorization: Bearer admin` caller may delete; everyone may do everything else.
    const handler = catalog.handler({
      basePath: '/api/catalog',
      authorize: (request, action) => action !== 'delete' || request.headers.get('authorization') === 'Bearer admin',
    });
    server = createServer(toNodeHandler(handler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/catalog`;
    client = new CatalogClient({ discoveryApi: { getBaseUrl: async () => baseUrl } });
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await store?.close?.();
    await rm(root, { recursive: true, force: true });
  });

  describe('CatalogClient against the catalog handler', () => {
    it('getEntities: filter, fields, order', async () => {
      const request = {
        filter: [{ kind: 'Component', 'spec.type': 'service' }, { kind: 'API', 'metadata.tags': CLIENT_FILTER_EXISTS }] as Record<
          string,
          string | symbol
        >[],
        fields: ['kind', 'metadata.name', 'spec.type'],
        order: [
          { field: 'kind', order: 'desc' as const },
          { field: 'metadata.name', order: 'asc' as const },
        ],
      };
      const { items } = await client.getEntities(request);
      expect(items.length).toBeGreaterThan(3);
      expect(items.every((e) => Object.keys(e).sort().join() === 'kind,metadata,spec')).toBe(true);
      expect(items).toEqual((await catalog.getEntities(request)).items);
      expect(items.map((e) => e.kind)).toEqual([...items.map((e) => e.kind)].sort().reverse());
    });

    it('getEntities: offset, limit and after', async () => {
      const order = { field: 'metadata.name', order: 'asc' as const };
      const page = await client.getEntities({ order, offset: 2, limit: 4 });
      expect(page.items).toHaveLength(4);
      expect(page).toEqual({ items: (await catalog.getEntities({ order, offset: 2, limit: 4 })).items });

      const first = await catalog.getEntities({ order, limit: 5 });
      const after = first.pageInfo!.endCursor!;
      const next = await client.getEntities({ after, limit: 5 });
      expect(next.items).toEqual((await catalog.getEntities({ after, limit: 5 })).items);
      expect(next.items[0]!.metadata.name >= first.items[4]!.metadata.name).toBe(true);

      // The next page is announced in a Link header, as in Backstage.
      const res = await fetch(`${baseUrl}/entities?order=asc:metadata.name&limit=5`);
      const link = res.headers.get('link')!;
      expect(link).toMatch(/^<\/api\/catalog\/entities\?.*after=.*>; rel="next"$/);
      const linked = await fetch(new URL(link.slice(1, link.indexOf('>')), baseUrl));
      expect(await linked.json()).toEqual(next.items);
    });

    it('queryEntities: first page, then next and prev cursors', async () => {
      const initial = {
        filter: { kind: ['component', 'api'] },
        orderFields: { field: 'metadata.name', order: 'asc' as const },
        fields: ['kind', 'metadata.name'],
        limit: 3,
      };
      const first = await client.queryEntities(initial);
      expect(first).toEqual(await catalog.query(initial));
      expect(first.totalItems).toBe(10);
      expect(first.pageInfo.prevCursor).toBeUndefined();

      const pages = [first];
      while (pages.at(-1)!.pageInfo.nextCursor) {
        const cursor = pages.at(-1)!.pageInfo.nextCursor!;
        // Like Backstage, a cursor keeps the query but not the field selection.
        const page = await client.queryEntities({ cursor, limit: 3, fields: initial.fields });
        expect(page).toEqual(await catalog.query({ cursor, limit: 3, fields: initial.fields }));
        pages.push(page);
      }
      expect(pages).toHaveLength(4);
      const all = (await catalog.getEntities({ filter: initial.filter, order: initial.orderFields, fields: initial.fields })).items;
      expect(pages.flatMap((p) => p.items)).toEqual(all);

      const prev = { cursor: pages[3]!.pageInfo.prevCursor!, limit: 3, fields: initial.fields };
      const back = await client.queryEntities(prev);
      expect(back.items).toEqual(pages[2]!.items);
      expect(back).toEqual(await catalog.query(prev));
    });

    it('queryEntities: full-text filter, totalItems and predicate queries', async () => {
      const text = { fullTextFilter: { term: 'PAY', fields: ['metadata.name'] }, orderFields: { field: 'metadata.name', order: 'asc' as const } };
      const found = await client.queryEntities(text);
      expect(found.items.map((e) => e.metadata.name)).toEqual(['payments', 'payments', 'payments-api', 'payments-db', 'team-payments']);
      expect(found).toEqual(await catalog.query(text));

      const counted = await client.queryEntities({ filter: { kind: 'user' }, limit: 0, totalItems: 'exclude' });
      expect(counted).toEqual(await catalog.query({ filter: { kind: 'user' }, limit: 0, totalItems: 'exclude' }));

      // `query` makes the client POST /entities/by-query.
      const predicate = { query: { $all: [{ kind: 'component' }, { $not: { 'spec.lifecycle': 'production' } }] }, limit: 50 };
      const byPredicate = await client.queryEntities(predicate as never);
      expect(byPredicate.items.length).toBeGreaterThan(0);
      expect(byPredicate).toEqual(await catalog.query(predicate as never));
      const prefixed = { query: { 'metadata.name': { $hasPrefix: 'PAYMENTS-' }, 'metadata.tags': { $contains: { $any: ['java', 'go'] } } } };
      const byPrefix = await client.queryEntities(prefixed);
      expect(byPrefix.items.length).toBeGreaterThan(0);
      expect(byPrefix.items.every((e) => e.metadata.name.startsWith('payments-'))).toBe(true);
      expect(byPrefix).toEqual(await catalog.query(prefixed));
    });

    it('getEntitiesByRefs keeps order and answers undefined for unknown refs', async () => {
      const entityRefs = ['api:default/payments', 'component:default/nope', 'component:default/payments-api', 'not a ref'];
      const all = await client.getEntitiesByRefs({ entityRefs, fields: ['kind', 'metadata.name'] });
      expect(all.items.map((e) => e?.metadata.name)).toEqual(['payments', undefined, 'payments-api', undefined]);
      expect(all).toEqual(await catalog.getEntitiesByRefs(entityRefs, { fields: ['kind', 'metadata.name'] }));

      const filtered = await client.getEntitiesByRefs({ entityRefs, filter: { kind: 'api' } });
      expect(filtered.items.map((e) => e?.metadata.name)).toEqual(['payments', undefined, undefined, undefined]);
      expect(filtered).toEqual(await catalog.getEntitiesByRefs(entityRefs, { filter: { kind: 'api' } }));
    });

    it('getEntityByRef, getEntityAncestors and getEntityFacets', async () => {
      expect(await client.getEntityByRef('component:default/payments-api')).toEqual(
        await catalog.getEntityByRef('component:default/payments-api'),
      );
      expect(await client.getEntityByRef('group:team-payments')).toEqual(
        await catalog.getEntityByRef('group:default/team-payments'),
      );
      expect(await client.getEntityByRef('component:default/nope')).toBeUndefined();

      const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/payments-api' });
      expect(ancestry.items.length).toBeGreaterThan(1);
      expect(ancestry).toEqual(await catalog.getEntityAncestors('component:default/payments-api'));

      const facets = await client.getEntityFacets({ facets: ['kind', 'spec.lifecycle'], filter: { kind: ['component', 'api'] } });
      expect(facets.facets.kind).toEqual([
        { value: 'Component', count: 7 },
        { value: 'API', count: 3 },
      ]);
      expect(facets).toEqual(await catalog.getEntityFacets({ facets: ['kind', 'spec.lifecycle'], filter: { kind: ['component', 'api'] } }));
      const byPredicate = await client.getEntityFacets({ facets: ['kind'], query: { 'spec.type': 'service' } } as never);
      expect(byPredicate).toEqual(await catalog.getEntityFacets({ facets: ['kind'], query: { 'spec.type': 'service' } }));
    });

    it('getLocations, getLocationById, getLocationByEntity', async () => {
      const locations = await catalog.getLocations();
      expect(await client.getLocations()).toEqual({ items: locations });
      expect(await client.getLocationById(locations[0]!.id)).toEqual(locations[0]);
      expect(await client.getLocationById('no-such-id')).toBeUndefined();
      expect(await client.getLocationByEntity('component:default/payments-api')).toEqual(
        await catalog.getLocationByEntity('component:default/payments-api'),
      );
      expect(await client.getLocationByEntity('component:default/nope')).toBeUndefined();
    });

    it('addLocation (dry run and real), refreshEntity, removeLocationById', async () => {
      const before = await snapshot();
      const spec = { type: 'file', target: './extra/catalog-info.yaml' };
      const dry = await client.addLocation({ ...spec, dryRun: true });
      expect(dry.exists).toBe(false);
      expect(dry.entities.map((e) => `${e.kind}:${e.metadata.name}`)).toContain('Component:extra-service');
      expect(await snapshot()).toEqual(before);

      const added = await client.addLocation(spec);
      expect(added.location).toEqual(await catalog.getLocation(added.location.id));
      expect(added.entities.map((e) => e.metadata.name)).toContain('extra-service');
      expect((await catalog.getEntityByRef('component:default/extra-service'))?.metadata.description).toBe('first version');
      expect((await client.addLocation({ ...spec, dryRun: true })).exists).toBe(true);

      const conflict = await responseError(client.addLocation(spec));
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.name).toBe('ConflictError');

      await writeFile(path.join(root, 'extra/catalog-info.yaml'), extraComponent('second version'));
      await client.refreshEntity('component:default/extra-service');
      expect((await client.getEntityByRef('component:default/extra-service'))?.metadata.description).toBe('second version');

      await writeFile(path.join(root, 'extra/catalog-info.yaml'), extraComponent('third version'));
      const again = await client.addLocation({ ...spec, onConflict: 'refresh' });
      expect(again.location).toEqual(added.location);
      expect((await client.getEntityByRef('component:default/extra-service'))?.metadata.description).toBe('third version');
      expect(await catalog.getLocations()).toHaveLength(before.locations.length + 1);
      expect((await responseError(client.refreshEntity('component:default/nope'))).status).toBe(404);

      const denied = await responseError(client.removeLocationById(added.location.id));
      expect(denied.status).toBe(403);
      expect(denied.body.error.name).toBe('NotAllowedError');
      expect(await catalog.getLocation(added.location.id)).toEqual(added.location);

      await client.removeLocationById(added.location.id, { token: 'admin' });
      expect(await catalog.getEntityByRef('component:default/extra-service')).toBeUndefined();
      expect(await client.getLocations()).toEqual({ items: before.locations });
      expect((await responseError(client.removeLocationById(added.location.id, { token: 'admin' }))).status).toBe(404);
    });

    it('queryLocations and streamLocations: predicates over type and target, pages by cursor', async () => {
      const before = await snapshot();
      const added = [];
      for (const name of ['q-one', 'q-two', 'q-three']) {
        await writeFile(path.join(root, `extra/${name}.yaml`), extraComponent(name).replace('extra-service', name));
        added.push((await client.addLocation({ type: 'file', target: `./extra/${name}.yaml` })).location);
      }
      // Case-insensitive prefix, as Backstage's predicates compare.
      const query = { type: 'file', target: { $hasPrefix: path.join(root, 'extra', 'Q-') } };
      const first = await client.queryLocations({ query, limit: 2 });
      expect(first).toEqual(await catalog.queryLocations({ query, limit: 2 }));
      expect([first.items.length, first.totalItems]).toEqual([2, 3]);
      const second = await client.queryLocations({ cursor: first.pageInfo.nextCursor! });
      expect(second.pageInfo.nextCursor).toBeUndefined();
      expect([...first.items, ...second.items].map((l) => l.id).sort()).toEqual(added.map((l) => l.id).sort());
      expect(second.items[0]).toEqual(await catalog.getLocation(second.items[0]!.id));

      const streamed = [];
      for await (const page of client.streamLocations({ query: { $not: { type: 'url' } } })) streamed.push(...page);
      expect(streamed.map((l) => l.id).sort()).toEqual([...before.locations, ...added].map((l) => l.id).sort());
      const byRef = await client.queryLocations({ query: { entityRef: added[0]!.entityRef } });
      expect(byRef.items).toEqual([added[0]]);

      expect((await responseError(client.queryLocations({ cursor: 'bm90IGEgY3Vyc29y' }))).status).toBe(400);
      expect((await responseError(client.queryLocations({ query: { target: { $hasPrefix: 7 } } } as never))).status).toBe(400);
      expect((await responseError(client.queryLocations({ limit: 1_000_000 }))).status).toBe(400);
      for (const location of added) await client.removeLocationById(location.id, { token: 'admin' });
      expect(await snapshot()).toEqual(before);
    });

    it('PUT /locations/:id points a location at a new target, keeping its id', async () => {
      const before = await snapshot();
      await writeFile(path.join(root, 'extra/u-one.yaml'), extraComponent('u').replace('extra-service', 'u-one'));
      await writeFile(path.join(root, 'extra/u-two.yaml'), extraComponent('u').replace('extra-service', 'u-two'));
      const { location } = await client.addLocation({ type: 'file', target: './extra/u-one.yaml' });
      const put = (id: string, body: string) =>
        fetch(`${baseUrl}/locations/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });

      const res = await put(location.id, JSON.stringify({ type: 'file', target: './extra/u-two.yaml' }));
      expect(res.status).toBe(200);
      const updated = await res.json();
      expect(updated).toEqual({ ...location, target: path.join(root, 'extra/u-two.yaml'), entityRef: expect.any(String) });
      expect(updated.entityRef).not.toBe(location.entityRef);
      expect(await client.getLocationById(location.id)).toEqual(updated);
      expect(await catalog.getEntityByRef('component:default/u-one')).toBeUndefined();
      expect(await catalog.getLocationByEntity('component:default/u-two')).toEqual(updated);

      // Another location's target is a conflict; an unknown id is 404; a bad body is 400: nothing changes.
      const now = await snapshot();
      expect((await put(location.id, JSON.stringify({ type: 'file', target: './all.yaml' }))).status).toBe(409);
      expect((await put('no-such-id', JSON.stringify({ type: 'file', target: './extra/u-one.yaml' }))).status).toBe(404);
      expect((await put(location.id, '{"target": 1}')).status).toBe(400);
      expect((await put(location.id, JSON.stringify({ type: 'file', target: '../../outside.yaml' }))).status).toBe(403);
      expect(await snapshot()).toEqual(now);

      await client.removeLocationById(location.id, { token: 'admin' });
      expect(await snapshot()).toEqual(before);
    });

    it('analyzeLocation lists the entity files of a location without registering it', async () => {
      const before = await snapshot();
      const analysis = await client.analyzeLocation({ location: { type: 'file', target: './extra/catalog-info.yaml' } });
      expect(analysis.generateEntities).toEqual([]);
      expect(analysis.existingEntityFiles).toEqual([
        {
          location: { type: 'file', target: path.join(root, 'extra/catalog-info.yaml') },
          isRegistered: false,
          entity: expect.objectContaining({ kind: 'Component', metadata: expect.objectContaining({ name: 'extra-service' }) }),
        },
      ]);
      expect(await snapshot()).toEqual(before);
    });

    it('validateEntity: valid and invalid entities', async () => {
      const location = 'url:https://github.com/acme/repo/blob/main/catalog-info.yaml';
      expect(await client.validateEntity(validEntity as never, location)).toEqual({ valid: true });
      expect(await catalog.validateEntity(validEntity, location)).toEqual({ valid: true });

      const invalid = { ...validEntity, metadata: { name: 'not valid!' } };
      const result = await client.validateEntity(invalid as never, location);
      expect(result.valid).toBe(false);
      expect(result).toEqual(await catalog.validateEntity(invalid, location));
      if (!result.valid) expect(result.errors[0]!.message).toMatch(/name/);

      const notAnObject = await client.validateEntity('nope' as never, location);
      expect(notAnObject.valid).toBe(false);
    });

    it('removeEntityByUid needs the admin token and removes only that entity', async () => {
      const carol = (await catalog.getEntityByRef('user:default/carol'))!;
      const before = await snapshot();
      expect((await responseError(client.removeEntityByUid(carol.metadata.uid!))).status).toBe(403);
      expect(await snapshot()).toEqual(before);

      await client.removeEntityByUid(carol.metadata.uid!, { token: 'admin' });
      expect(await client.getEntityByRef('user:default/carol')).toBeUndefined();
      expect(await catalog.getEntityByRef('user:default/carol')).toBeUndefined();
      expect((await catalog.getEntities()).items).toHaveLength(before.entities.length - 1);
      expect((await responseError(client.removeEntityByUid(carol.metadata.uid!, { token: 'admin' }))).status).toBe(404);
    });

    it('bad requests: the client throws ResponseError with the Backstage error body and nothing changes', async () => {
      const before = await snapshot();
      const malformed = await responseError(client.getEntities({ filter: { '': 'component' } }));
      expect(malformed).toMatchObject({ status: 400, body: { error: { name: 'InputError' }, response: { statusCode: 400 } } });
      expect(malformed.body.error.message).toMatch(/Invalid filter/);

      const huge = await responseError(client.getEntities({ limit: 1e9 }));
      expect(huge.status).toBe(400);
      expect(huge.body.error.message).toMatch(/limit/);
      expect((await responseError(client.queryEntities({ limit: 1e9 }))).status).toBe(400);

      const cursor = await responseError(client.queryEntities({ cursor: 'definitely-not-a-cursor' }));
      expect(cursor.status).toBe(400);
      expect(cursor.body.error.message).toMatch(/cursor/i);

      expect((await responseError(client.getEntityAncestors({ entityRef: 'component:default/nope' }))).status).toBe(404);
      expect((await responseError(client.addLocation({ type: 'file', target: '../../etc/passwd' }))).status).toBe(403);
      expect(await snapshot()).toEqual(before);
    });
  });
});
