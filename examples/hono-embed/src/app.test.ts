import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CatalogClient } from '@backstage/catalog-client';
import { toNodeHandler } from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';

let created: Awaited<ReturnType<typeof createApp>>;

beforeAll(async () => {
  created = await createApp({ adminToken: 'secret' });
});

describe('catalog embedded in a Hono app', () => {
  it('serves the catalog API under /api/catalog', async () => {
    const { app, catalog } = created;
    const res = await app.request('/api/catalog/entities/by-query?filter=kind=component&orderField=metadata.name,asc');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['orders-service', 'storefront']);
    expect(body).toEqual(await catalog.query({ filter: { kind: 'component' }, orderFields: { field: 'metadata.name', order: 'asc' } }));

    const missing = await app.request('/api/catalog/entities/by-name/component/default/nope');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.name).toBe('NotFoundError');
  });

  it("answers the app's own routes from the library API", async () => {
    const res = await created.app.request('/teams/team-web/components');
    expect(await res.json()).toEqual([
      { name: 'orders-service', description: 'Takes and tracks orders', type: 'service' },
      { name: 'storefront', description: 'The public web shop', type: 'website' },
    ]);
  });

  it('lets only the admin token write', async () => {
    const refresh = (headers: Record<string, string>) =>
      created.app.request('/api/catalog/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ entityRef: 'component:default/storefront' }),
      });
    expect((await refresh({})).status).toBe(403);
    expect((await refresh({ authorization: 'Bearer wrong' })).status).toBe(403);
    expect((await refresh({ authorization: 'Bearer secret' })).status).toBe(200);
  });

  describe('over node:http with toNodeHandler', () => {
    let server: ReturnType<typeof createServer>;
    let client: CatalogClient;

    beforeAll(async () => {
      server = createServer(toNodeHandler(async (request) => created.app.fetch(request)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/catalog`;
      client = new CatalogClient({ discoveryApi: { getBaseUrl: async () => baseUrl } });
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('answers @backstage/catalog-client', async () => {
      expect(await client.getEntityByRef('component:storefront')).toEqual(await created.catalog.getEntityByRef('component:storefront'));
      const { facets } = await client.getEntityFacets({ facets: ['kind'] });
      expect(facets.kind).toEqual(expect.arrayContaining([{ value: 'Component', count: 2 }, { value: 'API', count: 1 }]));
      const denied = await client.removeLocationById((await created.catalog.getLocations())[0]!.id).catch((e: unknown) => e);
      expect((denied as { response: { status: number } }).response.status).toBe(403);
      expect(await created.catalog.getEntityByRef('component:storefront')).toBeDefined();
    });
  });
});
