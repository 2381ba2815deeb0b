import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuthenticationError, type AuditEvent, type Handler, type PermissionPolicy, type Principal, createPortal, createPortalAuth, requestHandler } from '@portalkit/core';
import { type Catalog, type EntityProvider, catalogPlugin, createCatalog, encodeCursor, memoryStore } from '@portalkit/catalog';
import { catalogConditions, createCatalogConditionalDecision } from '@portalkit/catalog-model';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from './catalog-support.js';

/*
 * A principal without rights attacks the catalog's HTTP API: every read route must answer as if
 * the restricted entity did not exist (status, body, counts, facets, cursors, ancestry), every
 * mutation must be a 403 that changes nothing, and every mutation attempt must be audited with
 * actor, action, target, outcome and request id.
 */

const yaml = (docs: object[]) => docs.map((d) => JSON.stringify(d)).join('\n---\n');
const component = (name: string, extra: { labels?: Record<string, string>; owner?: string } = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
  spec: { type: 'service', lifecycle: 'production', owner: extra.owner ?? 'team-a' },
});

const user = (subject: string): Principal => ({ type: 'user', subject, userEntityRef: subject, ownershipEntityRefs: [subject], claims: {} });
const mallory = user('user:default/mallory');
const admin = user('user:default/admin');

/** Mallory reads only what is not labelled `restricted` and may change nothing; admin may do everything. */
const policy: PermissionPolicy = (principal, permission) => {
  if (principal.subject === admin.subject) return { result: 'ALLOW' };
  if (permission.name === 'catalog.entity.read') return createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'restricted' }) });
  if (permission.name === 'catalog.location.read') return { result: 'ALLOW' };
  return { result: 'DENY' };
};

let dir: string;
let catalog: Catalog;
let handler: Handler;
let events: AuditEvent[];

const as = (who: string, method: string, p: string, body?: unknown, requestId = `req-${Math.random().toString(36).slice(2)}`) =>
  requestHandler(handler, `/api/catalog${p}`, {
    method,
    headers: { 'x-test-user': who, 'x-request-id': requestId, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const json = async (response: Response) => ({ status: response.status, body: await response.json() });
const snapshot = async () => ({ entities: (await catalog.getEntities()).items, locations: await catalog.getLocations() });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pk-attacks-'));
  await writeFile(
    path.join(dir, 'root.yaml'),
    yaml([
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'open' }, spec: { targets: ['./open.yaml'] } },
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'vault', labels: { restricted: 'yes' } }, spec: { targets: ['./vault.yaml'] } },
    ]),
  );
  await writeFile(path.join(dir, 'open.yaml'), yaml([component('public-api'), component('docs-site')]));
  await writeFile(
    path.join(dir, 'vault.yaml'),
    yaml([component('secret-svc', { labels: { restricted: 'true', tier: 'crown-jewels' }, owner: 'team-secret' }), component('vaulted-but-open')]),
  );
  await writeFile(path.join(dir, 'more.yaml'), yaml([component('newcomer')]));
  const auth = createPortalAuth({
    logger: silentLogger,
    identify: (request) => {
      const who = request.headers.get('x-test-user');
      if (who === 'mallory') return mallory;
      if (who === 'admin') return admin;
      throw new AuthenticationError('bad token');
    },
    policy,
    audit: (event) => void events.push(event),
  });
  catalog = createCatalog({ store: memoryStore(), rootDir: dir, auth, logger: silentLogger });
  await catalog.addLocation({ type: 'file', target: './root.yaml' });
  await catalog.refresh();
  handler = catalog.handler();
});
afterAll(async () => rm(dir, { recursive: true, force: true }));
beforeEach(() => {
  events = [];
});

describe('a principal without rights reads a restricted entity', () => {
  it('by name, uid and location-by-entity: the same 404 as an entity that does not exist', async () => {
    const secret = (await catalog.getEntityByRef('component:default/secret-svc'))!;
    expect(secret).toBeDefined();
    const hidden = await json(await as('mallory', 'GET', '/entities/by-name/component/default/secret-svc'));
    const missing = await json(await as('mallory', 'GET', '/entities/by-name/component/default/no-such-svc'));
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message.replace('secret-svc', 'X')).toBe(missing.body.error.message.replace('no-such-svc', 'X'));
    expect(JSON.stringify(hidden.body)).not.toContain('crown-jewels');

    expect((await as('mallory', 'GET', `/entities/by-uid/${secret.metadata.uid}`)).status).toBe(404);
    expect((await as('mallory', 'GET', '/locations/by-entity/component/default/secret-svc')).status).toBe(404);
    // The admin sees it: the 404 is the policy, not a broken catalog.
    expect((await as('admin', 'GET', '/entities/by-name/component/default/secret-svc')).status).toBe(200);
    expect((await as('admin', 'GET', `/entities/by-uid/${secret.metadata.uid}`)).status).toBe(200);
  });

  it('by refs: null at its position, with or without a filter', async () => {
    const refs = ['component:default/secret-svc', 'component:default/public-api', 'location:default/vault'];
    const { body } = await json(await as('mallory', 'POST', '/entities/by-refs', { entityRefs: refs }));
    expect(body.items.map((e: { metadata: { name: string } } | null) => e?.metadata.name ?? null)).toEqual([null, 'public-api', null]);
    const filtered = await json(await as('mallory', 'POST', '/entities/by-refs?filter=metadata.labels.restricted', { entityRefs: refs }));
    expect(filtered.body.items).toEqual([null, null, null]);
  });

  it('by query: totalItems, pages and cursors never count or show it, whoever made the cursor', async () => {
    const adminPage = await json(await as('admin', 'GET', '/entities/by-query?filter=kind=component&orderField=metadata.name,desc&limit=1'));
    expect(adminPage.body.items[0].metadata.name).toBe('vaulted-but-open');
    expect(adminPage.body.totalItems).toBe(4);

    const names: string[] = [];
    let page = await json(await as('mallory', 'GET', '/entities/by-query?filter=kind=component&orderField=metadata.name,desc&limit=1'));
    for (;;) {
      expect(page.body.totalItems).toBe(3);
      names.push(...page.body.items.map((e: { metadata: { name: string } }) => e.metadata.name));
      if (!page.body.pageInfo.nextCursor) break;
      page = await json(await as('mallory', 'GET', `/entities/by-query?cursor=${page.body.pageInfo.nextCursor}&limit=1`));
    }
    expect(names).toEqual(['vaulted-but-open', 'public-api', 'docs-site']);

    // The admin's cursor, positioned just before the secret entity, shows mallory only her own.
    const adminNext = await json(await as('admin', 'GET', `/entities/by-query?cursor=${adminPage.body.pageInfo.nextCursor}&limit=1`));
    expect(adminNext.body.items[0].metadata.name).toBe('secret-svc');
    const stolen = await json(await as('mallory', 'GET', `/entities/by-query?cursor=${adminPage.body.pageInfo.nextCursor}&limit=1`));
    expect(stolen.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['public-api']);
    expect(stolen.body.totalItems).toBe(3);

    // A hand-made cursor asking for the restricted label finds nothing and counts nothing.
    const forged = encodeCursor({ order: [], direction: 'next', totalItems: true, filter: { key: 'metadata.labels.restricted' } });
    expect((await json(await as('mallory', 'GET', `/entities/by-query?cursor=${forged}`))).body).toEqual({ items: [], totalItems: 0, pageInfo: {} });
    const predicate = await json(await as('mallory', 'POST', '/entities/by-query', { query: { 'metadata.labels.tier': 'crown-jewels' } }));
    expect(predicate.body).toMatchObject({ items: [], totalItems: 0 });
    // Full text over the name does not find it either.
    const text = await json(await as('mallory', 'GET', '/entities/by-query?fullTextFilterTerm=secret&fullTextFilterFields=metadata.name'));
    expect(text.body).toMatchObject({ items: [], totalItems: 0 });
    expect(await json(await as('mallory', 'GET', '/entities?filter=metadata.name=secret-svc'))).toEqual({ status: 200, body: [] });
  });

  it('facets: counts leave it out, and its label values never appear', async () => {
    const { body } = await json(await as('mallory', 'GET', '/entity-facets?facet=kind&facet=metadata.labels.tier&facet=relations.ownedBy'));
    expect(body.facets.kind).toEqual(expect.arrayContaining([{ value: 'Component', count: 3 }]));
    expect(body.facets['metadata.labels.tier']).toEqual([]);
    expect(JSON.stringify(body)).not.toContain('team-secret');
    const admins = await json(await as('admin', 'GET', '/entity-facets?facet=metadata.labels.tier'));
    expect(admins.body.facets['metadata.labels.tier']).toEqual([{ value: 'crown-jewels', count: 1 }]);
    const posted = await json(await as('mallory', 'POST', '/entity-facets', { facets: ['kind'], query: { 'metadata.labels.restricted': { $exists: true } } }));
    expect(posted.body.facets.kind).toEqual([]);
  });

  it('ancestry: not found for it; hidden ancestors are dropped with their refs', async () => {
    expect((await as('mallory', 'GET', '/entities/by-name/component/default/secret-svc/ancestry')).status).toBe(404);
    const full = await json(await as('admin', 'GET', '/entities/by-name/component/default/vaulted-but-open/ancestry'));
    expect(full.body.items.map((i: { entity: { metadata: { name: string } } }) => i.entity.metadata.name)).toContain('vault');
    const mine = await json(await as('mallory', 'GET', '/entities/by-name/component/default/vaulted-but-open/ancestry'));
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([{ entity: expect.objectContaining({ metadata: expect.objectContaining({ name: 'vaulted-but-open' }) }), parentEntityRefs: [] }]);
    expect(JSON.stringify(mine.body)).not.toContain('vault"');
  });
});

describe('a principal without rights mutates', () => {
  it('gets 403 (or 404 for what it cannot see), changes nothing, and every attempt is audited as denied', async () => {
    const before = await snapshot();
    const open = (await catalog.getEntityByRef('component:default/public-api'))!;
    const secret = (await catalog.getEntityByRef('component:default/secret-svc'))!;
    const location = before.locations[0]!;
    const attempts: [string, string, unknown, number, string, string][] = [
      ['POST', '/locations', { type: 'file', target: './more.yaml' }, 403, 'catalog.location.create', 'file:./more.yaml'],
      ['DELETE', `/locations/${location.id}`, undefined, 403, 'catalog.location.delete', `location:${location.id}`],
      ['PUT', `/locations/${location.id}`, { type: 'file', target: './more.yaml' }, 403, 'catalog.location.update', `location:${location.id}`],
      ['DELETE', `/entities/by-uid/${open.metadata.uid}`, undefined, 403, 'catalog.entity.delete', 'component:default/public-api'],
      ['POST', '/refresh', { entityRef: 'component:default/public-api' }, 403, 'catalog.entity.refresh', 'component:default/public-api'],
      ['POST', '/refresh', { entityRef: 'component:default/secret-svc' }, 404, 'catalog.entity.refresh', 'component:default/secret-svc'],
    ];
    for (const [method, p, body, status, action, target] of attempts) {
      events = [];
      const response = await as('mallory', method, p, body, 'attack-1');
      expect(response.status, `${method} ${p}`).toBe(status);
      expect(events, `${method} ${p}`).toEqual([
        expect.objectContaining({ plugin: 'catalog', action, target, outcome: 'denied', requestId: 'attack-1', actor: { type: 'user', subject: mallory.subject } }),
      ]);
    }
    // Deleting the hidden entity by uid: 404 as for a uid that does not exist; the audit log tells them apart.
    events = [];
    const hiddenDelete = await json(await as('mallory', 'DELETE', `/entities/by-uid/${secret.metadata.uid}`, undefined, 'attack-2'));
    const missingDelete = await json(await as('mallory', 'DELETE', '/entities/by-uid/00000000-0000-4000-8000-000000000000', undefined, 'attack-3'));
    expect(hiddenDelete.status).toBe(404);
    expect(hiddenDelete.body.error.message.replace(secret.metadata.uid!, 'X')).toBe(missingDelete.body.error.message.replace('00000000-0000-4000-8000-000000000000', 'X'));
    expect(events).toEqual([
      expect.objectContaining({ action: 'catalog.entity.delete', target: `uid:${secret.metadata.uid}`, outcome: 'denied', requestId: 'attack-2' }),
      expect.objectContaining({ action: 'catalog.entity.delete', outcome: 'failure', requestId: 'attack-3' }),
    ]);
    // Dry runs, validation and analysis need their permissions too.
    expect((await as('mallory', 'POST', '/locations?dryRun=true', { type: 'file', target: './more.yaml' })).status).toBe(403);
    expect((await as('mallory', 'POST', '/analyze-location', { location: { type: 'file', target: './more.yaml' } })).status).toBe(403);
    expect((await as('mallory', 'POST', '/validate-entity', { entity: component('x'), location: 'url:https://x/y.yaml' })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('bad credentials are a 401 on every route, before anything is read or changed', async () => {
    const before = await snapshot();
    for (const [method, p] of [
      ['GET', '/entities'],
      ['GET', '/entities/by-name/component/default/public-api'],
      ['POST', '/locations'],
      ['DELETE', `/locations/${before.locations[0]!.id}`],
    ] as const) {
      expect((await as('forged', method, p, method === 'POST' ? { type: 'file', target: './more.yaml' } : undefined)).status).toBe(401);
    }
    expect(await snapshot()).toEqual(before);
    expect(events).toEqual([]);
  });
});

describe('audit of allowed mutations', () => {
  it('records success with actor, action, target and request id, through HTTP and as the host', async () => {
    const created = await as('admin', 'POST', '/locations', { type: 'file', target: './more.yaml' }, 'create-1');
    expect(created.status).toBe(201);
    const { location } = await created.json();
    const newcomer = (await catalog.getEntityByRef('component:default/newcomer'))!;
    expect((await as('admin', 'POST', '/refresh', { entityRef: 'component:default/newcomer' }, 'refresh-1')).status).toBe(200);
    expect((await as('admin', 'DELETE', `/entities/by-uid/${newcomer.metadata.uid}`, undefined, 'delete-1')).status).toBe(204);
    await catalog.removeLocation(location.id);
    expect(events).toEqual([
      expect.objectContaining({ action: 'catalog.location.create', target: 'file:./more.yaml', outcome: 'success', requestId: 'create-1', actor: { type: 'user', subject: admin.subject } }),
      expect.objectContaining({ action: 'catalog.entity.refresh', target: 'component:default/newcomer', outcome: 'success', requestId: 'refresh-1' }),
      expect.objectContaining({ action: 'catalog.entity.delete', target: 'component:default/newcomer', outcome: 'success', requestId: 'delete-1' }),
      expect.objectContaining({ action: 'catalog.location.delete', target: `location:${location.id}`, outcome: 'success', actor: { type: 'service', subject: 'host' } }),
    ]);
    expect(events[3]).not.toHaveProperty('requestId');
  });

  it('records failures (a location already registered) as failure with the error', async () => {
    const response = await as('admin', 'POST', '/locations', { type: 'file', target: './root.yaml' }, 'fail-1');
    expect(response.status).toBe(409);
    expect(events).toEqual([
      expect.objectContaining({ action: 'catalog.location.create', outcome: 'failure', requestId: 'fail-1', error: expect.stringMatching(/^ConflictError: /) }),
    ]);
  });

  it('records a provider mutation as the host', async () => {
    const provider: EntityProvider = {
      name: 'teams',
      async connect(connection) {
        await connection.applyMutation({ type: 'full', entities: [component('from-provider')] });
      },
    };
    const withProvider = createCatalog({ store: memoryStore(), rootDir: dir, providers: [provider], auth: catalog.auth, logger: silentLogger });
    await withProvider.refresh();
    expect(await withProvider.getEntityByRef('component:default/from-provider')).toBeDefined();
    expect(events).toContainEqual(
      expect.objectContaining({ action: 'catalog.provider.mutation', target: 'provider:teams', outcome: 'success', actor: { type: 'service', subject: 'host' }, meta: { type: 'full', entities: 1 } }),
    );
  });

  it('keeps the authorize hook: it runs too, and its refusals are audited', async () => {
    const hooked = catalog.handler({ authorize: (_request, action) => action === 'read' });
    const response = await requestHandler(hooked, '/api/catalog/locations', {
      method: 'POST',
      headers: { 'x-test-user': 'admin', 'x-request-id': 'hook-1', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'file', target: './more.yaml' }),
    });
    expect(response.status).toBe(403);
    expect(events).toEqual([expect.objectContaining({ action: 'catalog.location.create', outcome: 'denied', requestId: 'hook-1', meta: { by: 'authorize hook' } })]);
    // Reads the policy allows still pass the hook's filter for the principal's view.
    const read = await requestHandler(hooked, '/api/catalog/entities/by-name/component/default/secret-svc', { headers: { 'x-test-user': 'mallory' } });
    expect(read.status).toBe(404);
  });

  it('a throwing policy denies (never allows)', async () => {
    const throwing = createCatalog({
      store: memoryStore(),
      rootDir: dir,
      logger: silentLogger,
      auth: createPortalAuth({
        logger: silentLogger,
        policy: () => {
          throw new Error('policy bug');
        },
        audit: (event) => void events.push(event),
      }),
    });
    await throwing.addLocation({ type: 'file', target: './open.yaml' });
    const h = throwing.handler();
    expect(await (await requestHandler(h, '/api/catalog/entities/by-query')).json()).toEqual({ items: [], totalItems: 0, pageInfo: {} });
    const response = await requestHandler(h, '/api/catalog/locations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'file', target: './more.yaml' }),
    });
    expect(response.status).toBe(403);
    expect((await throwing.getLocations()).length).toBe(1);
  });
});

describe('forPrincipal beyond HTTP', () => {
  it('processing errors: only of entities the principal can read (never-served ones need an unconditional read)', async () => {
    const broken = (name: string, labels?: Record<string, string>, definition: unknown = 'x') => ({
      ...component(name, labels ? { labels } : {}),
      kind: 'API',
      spec: { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition },
    });
    const write = (definition: unknown) =>
      writeFile(
        path.join(dir, 'errors.yaml'),
        yaml([
          broken('broken-open', undefined, definition),
          broken('broken-secret', { restricted: 'true' }, definition),
          { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'never-served' }, spec: {} },
        ]),
      );
    await write('openapi: 3.0.0');
    const local = createCatalog({ store: memoryStore(), rootDir: dir, auth: catalog.auth, logger: silentLogger });
    await local.addLocation({ type: 'file', target: './errors.yaml' });
    // Served once, then broken: the served entities keep their last good version and carry errors.
    await write({ $text: './missing.txt' });
    await local.refresh();
    const all = await local.getProcessingErrors();
    expect(all.map((r) => [r.entityRef, r.served])).toEqual([
      ['api:default/broken-open', true],
      ['api:default/broken-secret', true],
      ['component:default/never-served', false],
    ]);
    expect((await local.forPrincipal(mallory).getProcessingErrors()).map((r) => r.entityRef)).toEqual(['api:default/broken-open']);
    expect(await local.forPrincipal(admin).getProcessingErrors()).toEqual(all);
  });

  it('rejects a missing principal', () => {
    expect(() => catalog.forPrincipal(undefined as never)).toThrow(/catalog.forPrincipal: a principal is required/);
  });
});

describe('catalogPlugin', () => {
  it("uses the portal's auth (context.auth) once started, and its own `auth` over the portal's", async () => {
    const store = memoryStore();
    const seeded = createCatalog({ store, rootDir: dir, logger: silentLogger });
    await seeded.addLocation({ type: 'file', target: './root.yaml' });
    await seeded.stop();
    const portalAuth = createPortalAuth({ logger: silentLogger, identify: () => mallory, policy, audit: (event) => void events.push(event) });
    const plugin = catalogPlugin({ store, rootDir: dir, logger: silentLogger, refreshIntervalMs: 3_600_000 });
    const portal = createPortal({ plugins: [plugin], auth: portalAuth, logger: silentLogger });
    await portal.start();
    try {
      expect((await portal.fetch(new Request('http://x/api/catalog/entities/by-name/component/default/secret-svc'))).status).toBe(404);
      expect((await portal.fetch(new Request('http://x/api/catalog/entities/by-name/component/default/public-api'))).status).toBe(200);
      expect(plugin.catalog.auth).toBe(portalAuth);
    } finally {
      await portal.stop();
    }

    const own = createPortalAuth({ logger: silentLogger, identify: () => admin, policy });
    const ownPlugin = catalogPlugin({ store, rootDir: dir, logger: silentLogger, auth: own, refreshIntervalMs: 3_600_000 });
    const ownPortal = createPortal({ plugins: [ownPlugin], auth: portalAuth, logger: silentLogger });
    await ownPortal.start();
    try {
      expect((await ownPortal.fetch(new Request('http://x/api/catalog/entities/by-name/component/default/secret-svc'))).status).toBe(200);
    } finally {
      await ownPortal.stop();
    }
  });
});
