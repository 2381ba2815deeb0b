import { fileURLToPath } from 'node:url';
import { AuthenticationError, NotAllowedError, createPortal, requestHandler } from '@portalkit/core';
import type { Handler } from '@portalkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../create-catalog.js';
import { catalogPlugin } from '../plugin.js';
import type { Catalog } from '../types.js';
import type { CatalogAction, CatalogResource } from './authorize.js';
import { createCatalogHandler } from './handler.js';

const fixtures = fileURLToPath(new URL('../../fixtures', import.meta.url));

let catalog: Catalog;
let handler: Handler;

const snapshot = async () => ({
  entities: (await catalog.getEntities()).items,
  locations: await catalog.getLocations(),
});

const get = (path: string) => requestHandler(handler, `/api/catalog${path}`);
const send = (method: string, path: string, body: string | undefined, h: Handler = handler) =>
  requestHandler(h, `/api/catalog${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body }) });
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Expect Backstage's error body with this status, and return its message. */
async function expectError(response: Response, status: number, name: string): Promise<string> {
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(body).toMatchObject({ error: { name }, request: { method: expect.any(String), url: expect.any(String) }, response: { statusCode: status } });
  expect(typeof body.error.message).toBe('string');
  return body.error.message;
}

beforeAll(async () => {
  catalog = createCatalog({ rootDir: fixtures });
  await catalog.addLocation({ type: 'file', target: './all.yaml' });
  handler = createCatalogHandler(catalog, { basePath: '/api/catalog', maxLimit: 1000 });
});

describe('catalog handler: bad requests', () => {
  it('rejects malformed query parameters with 400 and leaves the catalog as it was', async () => {
    const before = await snapshot();
    const cases: [string, RegExp][] = [
      ['/entities?filter==component', /Invalid filter, '=component' is not a valid statement/],
      ['/entities?limit=abc', /Invalid limit, not an integer/],
      ['/entities?limit=1e3', /Invalid limit, not an integer/],
      ['/entities?limit=0', /Invalid limit, must be greater than zero/],
      ['/entities?limit=1001', /Invalid limit, must be at most 1000/],
      ['/entities?limit=99999999999999999999', /Invalid limit, not an integer/],
      ['/entities?limit=1&limit=2', /Invalid limit, expected a single value/],
      ['/entities?offset=-1', /Invalid offset, must be zero or greater/],
      ['/entities?after=', /Invalid after, must not be empty/],
      ['/entities?after=garbage', /Malformed cursor/],
      ['/entities?order=sideways:metadata.name', /Invalid order parameter "sideways:metadata.name"/],
      ['/entities/by-query?limit=-1', /Invalid limit, must be zero or greater/],
      ['/entities/by-query?limit=5000', /Invalid limit, must be at most 1000/],
      ['/entities/by-query?orderField=metadata.name,up', /must be asc or desc/],
      ['/entities/by-query?totalItems=maybe', /Invalid totalItems/],
      ['/entities/by-query?cursor=not-a-cursor', /Malformed cursor/],
      ['/entity-facets', /Missing facet parameter/],
      ['/entities/by-name/%E0%A4%A/default/x', /malformed percent-encoding/],
    ];
    for (const [path, message] of cases) {
      expect(await expectError(await get(path), 400, 'InputError'), path).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('rejects cursors edited into something no query produces', async () => {
    const valid = (await catalog.query({ limit: 2 })).pageInfo.nextCursor!;
    expect((await get(`/entities/by-query?cursor=${valid}`)).status).toBe(200);
    const edited = [
      { v: 1 },
      { v: 2, order: [], direction: 'next' },
      { v: 1, order: [{ field: 5, order: 'asc' }], direction: 'next' },
      { v: 1, order: [null], direction: 'next' },
      { v: 1, order: [], direction: 'sideways' },
      { v: 1, order: [], direction: 'next', filter: { key: 1 } },
      { v: 1, order: [], direction: 'next', filter: { allOf: 'x' } },
      { v: 1, order: [], direction: 'next', filter: { anyOf: [null] } },
      { v: 1, order: [], direction: 'next', after: { values: [1, {}], uid: 'u' } },
      { v: 1, order: [], direction: 'next', fullText: { term: 5, fields: [] } },
      { v: 1, order: [], direction: 'next', filter: JSON.parse(`${'{"not":'.repeat(3000)}{"key":"a"}${'}'.repeat(3000)}`) },
      [1],
      null,
    ];
    for (const cursor of edited) {
      expect(await expectError(await get(`/entities/by-query?cursor=${encode(cursor)}`), 400, 'InputError')).toMatch(/cursor/i);
    }
  });

  it('rejects bad JSON bodies with 400 (413 when too large) and stores nothing', async () => {
    const before = await snapshot();
    const cases: [string, string, string | undefined, RegExp][] = [
      ['POST', '/entities/by-refs', '{"entityRefs": [', /not valid JSON/],
      ['POST', '/entities/by-refs', undefined, /empty/],
      ['POST', '/entities/by-refs', '{"entityRefs": "component:default/a"}', /entityRefs/],
      ['POST', '/entities/by-refs', '{"entityRefs": [{"a": 1}]}', /entityRefs\.0/],
      ['POST', '/entities/by-query', '{"query": {"$bogus": 1}}', /unknown operator '\$bogus'/],
      ['POST', '/entities/by-query', '{"limit": 100000}', /Invalid limit, must be at most 1000/],
      ['POST', '/entities/by-query', '{"cursor": "not-a-cursor"}', /Malformed cursor/],
      ['POST', '/entities/by-query', `{"query":${'{"$not":'.repeat(100_000)}{"kind":"a"}${'}'.repeat(100_000)}}`, /nested deeper than 64/],
      ['POST', '/entity-facets', '{"facets": []}', /facets/],
      ['POST', '/locations', '[]', /invalid request body/],
      ['POST', '/locations', '{"type": "file"}', /target/],
      ['POST', '/locations?onConflict=ignore', '{"type": "file", "target": "./all.yaml"}', /Invalid onConflict/],
      ['POST', '/locations?dryRun=true', '{"type": "file", "target": "./nope.yaml"}', /does not exist/],
      ['POST', '/refresh', '{}', /entityRef/],
      ['POST', '/refresh', '{"entityRef": "::"}', /Entity reference "::" was not on the form/],
      ['POST', '/analyze-location', '{"location": {"type": "file"}}', /location\.target/],
    ];
    for (const [method, path, body, message] of cases) {
      expect(await expectError(await send(method, path, body), 400, 'InputError'), `${method} ${path} ${body?.slice(0, 40)}`).toMatch(message);
    }
    const huge = JSON.stringify({ entityRefs: Array.from({ length: 100_000 }, (_, i) => `component:default/c-${i}`) });
    await expectError(await send('POST', '/entities/by-refs', huge), 413, 'PayloadTooLargeError');
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 for unknown entities, locations and routes, 403 for paths outside the root', async () => {
    const before = await snapshot();
    expect(await expectError(await get('/entities/by-name/component/default/nope'), 404, 'NotFoundError')).toBe(
      "No entity named 'nope' found, with kind 'component' in namespace 'default'",
    );
    await expectError(await get('/entities/by-name/component/default/nope/ancestry'), 404, 'NotFoundError');
    await expectError(await get('/entities/by-uid/nope'), 404, 'NotFoundError');
    await expectError(await send('DELETE', '/entities/by-uid/nope', undefined), 404, 'NotFoundError');
    await expectError(await get('/locations/nope'), 404, 'NotFoundError');
    await expectError(await send('DELETE', '/locations/nope', undefined), 404, 'NotFoundError');
    await expectError(await get('/locations/by-entity/component/default/nope'), 404, 'NotFoundError');
    await expectError(await send('POST', '/refresh', '{"entityRef": "component:default/nope"}'), 404, 'NotFoundError');
    await expectError(await send('PUT', '/entities', '{}'), 404, 'NotFoundError');
    await expectError(await get('/nothing-here'), 404, 'NotFoundError');
    await expectError(await send('POST', '/locations', '{"type": "file", "target": "../../../etc/passwd"}'), 403, 'NotAllowedError');
    await expectError(await send('POST', '/locations', '{"type": "file", "target": "./all.yaml"}'), 409, 'ConflictError');
    expect(await snapshot()).toEqual(before);
  });

  it('validate-entity answers every invalid input with 400 { errors }', async () => {
    for (const body of ['{"entity": {', '{"entity": {}}', '{"entity": "nope", "location": "url:https://x/y.yaml"}']) {
      const res = await send('POST', '/validate-entity', body);
      expect(res.status).toBe(400);
      const { errors } = await res.json();
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toMatchObject({ name: expect.any(String), message: expect.any(String) });
    }
  });
});

describe('catalog handler: authorize', () => {
  it('asks with the action and resource of each route and answers 403 when denied', async () => {
    const calls: [CatalogAction, CatalogResource][] = [];
    const denied = createCatalogHandler(catalog, {
      authorize: (_request, action, resource) => {
        calls.push([action, resource]);
        if (action === 'refresh') throw new NotAllowedError('refreshing is switched off');
        if (resource.type === 'entity' && resource.entityRef === 'user:default/bob') throw new AuthenticationError('who are you?');
        return action === 'read';
      },
    });
    const before = await snapshot();
    const location = (await catalog.getLocations())[0]!;
    const ledger = (await catalog.getEntityByRef('component:default/ledger'))!;

    expect((await send('GET', '/entities/by-name/component/default/ledger', undefined, denied)).status).toBe(200);
    expect(await expectError(await send('POST', '/refresh', '{"entityRef": "Component:ledger"}', denied), 403, 'NotAllowedError')).toBe(
      'refreshing is switched off',
    );
    expect(await expectError(await send('DELETE', `/entities/by-uid/${ledger.metadata.uid}`, undefined, denied), 403, 'NotAllowedError')).toBe(
      'Not allowed to delete entity component:default/ledger',
    );
    await expectError(await send('DELETE', `/locations/${location.id}`, undefined, denied), 403, 'NotAllowedError');
    await expectError(await send('POST', '/locations', '{"type": "file", "target": "./org/users.yaml"}', denied), 403, 'NotAllowedError');
    await expectError(await send('PUT', `/locations/${location.id}`, '{"type": "file", "target": "./org/users.yaml"}', denied), 403, 'NotAllowedError');
    expect((await send('POST', '/locations/by-query', '{"query": {"type": "file"}}', denied)).status).toBe(200);
    await expectError(await send('GET', '/entities/by-name/user/default/bob', undefined, denied), 401, 'AuthenticationError');
    expect(await snapshot()).toEqual(before);

    expect(calls).toEqual([
      ['read', { type: 'entity', entityRef: 'component:default/ledger' }],
      ['refresh', { type: 'entity', entityRef: 'component:default/ledger' }],
      ['delete', { type: 'entity', entityRef: 'component:default/ledger' }],
      ['delete', { type: 'location', location }],
      ['create', { type: 'location', location: { type: 'file', target: './org/users.yaml' } }],
      ['update', { type: 'location', location: { id: location.id, type: 'file', target: './org/users.yaml' } }],
      ['read', { type: 'locations' }],
      ['read', { type: 'entity', entityRef: 'user:default/bob' }],
    ]);
  });

  it('rejects misuse at creation', () => {
    expect(() => createCatalogHandler(undefined as never)).toThrow(/a catalog is required/);
    expect(() => createCatalogHandler(catalog, { authorize: 'yes' as never })).toThrow(/authorize must be a function/);
    expect(() => createCatalogHandler(catalog, { maxLimit: 0 })).toThrow(/maxLimit must be a positive integer/);
  });
});

describe('catalogPlugin', () => {
  it('mounts the catalog API at /api/catalog in a portal', async () => {
    const plugin = catalogPlugin({ catalog, authorize: (_request, action) => action === 'read' });
    expect(plugin.basePath).toBe('/api/catalog');
    const portal = createPortal({ plugins: [plugin] });
    const res = await portal.fetch(new Request('http://localhost/api/catalog/entities/by-query?filter=kind=system&fields=metadata.name&orderField=metadata.name,asc'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(await catalog.query({ filter: { kind: 'system' }, fields: ['metadata.name'], orderFields: { field: 'metadata.name', order: 'asc' } }));
    const write = await portal.fetch(
      new Request('http://localhost/api/catalog/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"entityRef": "component:default/ledger"}',
      }),
    );
    expect(write.status).toBe(403);
  });
});
