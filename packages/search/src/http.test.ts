import { createEventBus, createLogger, createPortalAuth, createServiceRegistry, memorySink } from '@portalkit/core';
import type { PortalContext } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { catalogCollator } from './collators/catalog.js';
import type { SearchableEntity } from './collators/entity.js';
import { parseSearchParams } from './http.js';
import { searchPlugin } from './plugin.js';
import { createSearch } from './create-search.js';

const entities: SearchableEntity[] = Array.from({ length: 30 }, (_, i) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: i % 3 === 0 ? 'System' : 'Component',
  metadata: { name: `payments-${String(i).padStart(2, '0')}`, description: `Payments part ${i}` },
  spec: { owner: i % 2 ? 'team-a' : 'team-b', lifecycle: 'production' },
}));

async function setup() {
  const search = createSearch({ collators: [catalogCollator({ getEntities: () => entities })] });
  await search.start();
  const handler = search.handler({ basePath: '/api/search' });
  const request = (path: string, init?: RequestInit) => handler(new Request(`http://portal.test${path}`, init));
  return { search, request };
}

describe('search HTTP API', () => {
  it('answers Backstage-shaped result sets with highlight and rank', async () => {
    const { request } = await setup();
    const res = await request('/api/search/query?term=payments-07');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = await res.json();
    expect(body.numberOfResults).toBe(1);
    expect(body.results[0]).toEqual({
      type: 'software-catalog',
      rank: 1,
      document: expect.objectContaining({ title: 'payments-07', location: '/catalog/default/component/payments-07', kind: 'Component' }),
      highlight: { preTag: '<mark>', postTag: '</mark>', fields: { title: '<mark>payments</mark>-<mark>07</mark>', text: '<mark>Payments</mark> part 7' } },
    });
  });

  it('filters by types[N] and filters[field], and pages with cursors', async () => {
    const { request } = await setup();
    const first = await (await request('/api/search/query?term=payments&types[0]=software-catalog&filters[kind]=Component&filters[owner]=team-a&pageLimit=5')).json();
    expect(first.numberOfResults).toBe(10);
    expect(first.results).toHaveLength(5);
    expect(first.results.every((r: { document: { kind: string; owner: string } }) => r.document.kind === 'Component' && r.document.owner === 'team-a')).toBe(true);
    expect(first.previousPageCursor).toBeUndefined();
    const second = await (
      await request(`/api/search/query?term=payments&types[0]=software-catalog&filters[kind]=Component&filters[owner]=team-a&pageLimit=5&pageCursor=${encodeURIComponent(first.nextPageCursor)}`)
    ).json();
    expect(second.results.map((r: { rank: number }) => r.rank)).toEqual([6, 7, 8, 9, 10]);
    expect(second.nextPageCursor).toBeUndefined();
    expect(second.previousPageCursor).toBeTypeOf('string');
    const either = await (await request('/api/search/query?filters[kind][0]=System&filters[kind][1]=nope')).json();
    expect(either.numberOfResults).toBe(10);
  });

  it('answers bad input with Backstage JSON errors', async () => {
    const { request } = await setup();
    for (const path of [
      '/api/search/query?term=x&pageLimit=abc',
      '/api/search/query?term=x&pageLimit=1000',
      '/api/search/query?term=x&pageCursor=garbage',
      '/api/search/query?term=x&types[0]=unknown-type',
      `/api/search/query?term=${'x'.repeat(2000)}`,
    ]) {
      const res = await request(path);
      expect(res.status, path).toBe(400);
      const body = await res.json();
      expect(body).toMatchObject({ error: { name: 'InputError' }, response: { statusCode: 400 }, request: { method: 'GET' } });
    }
    expect((await request('/api/search/nope')).status).toBe(404);
    const post = await request('/api/search/query', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    // Like every portalkit route, a non-JSON state-changing request is refused first.
    expect((await request('/api/search/query', { method: 'POST', body: 'x' })).status).toBe(415);
    const head = await request('/api/search/query?term=payments', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('parses the query string the way Backstage clients send it', () => {
    expect(parseSearchParams(new URLSearchParams('term=a&types[0]=x&types[1]=y&filters[kind]=C&filters[tags][0]=t1&filters[tags][1]=t2&pageLimit=7&other=1'))).toEqual({
      term: 'a',
      types: ['x', 'y'],
      filters: { kind: 'C', tags: ['t1', 't2'] },
      pageLimit: 7,
    });
    expect(parseSearchParams(new URLSearchParams(''))).toEqual({ term: '' });
  });
});

describe('searchPlugin', () => {
  it('is a portal plugin that subscribes to the portal event bus on start', async () => {
    const plugin = searchPlugin({ collators: [catalogCollator({ getEntities: () => entities.slice(0, 2) })] });
    expect(plugin.id).toBe('search');
    expect(plugin.basePath).toBe('/api/search');
    const events = createEventBus();
    const context: PortalContext = {
      config: {},
      events,
      logger: createLogger({ sink: memorySink() }),
      reader: { read: async () => ({ buffer: async () => Buffer.from('') }) } as unknown as PortalContext['reader'],
      auth: createPortalAuth(),
      services: createServiceRegistry().forPlugin('search'),
    };
    await plugin.start!(context);
    await events.publish('catalog.entity.deleted', { entityRef: 'component:default/payments-01', entityId: 'uid-01', entity: entities[1] });
    const res = await plugin.handler!(new Request('http://portal.test/api/search/query?term=payments'));
    const body = await res.json();
    expect(body.results.map((r: { document: { title: string } }) => r.document.title)).toEqual(['payments-00']);
    await plugin.stop!();
  });
});
