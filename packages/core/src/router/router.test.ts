import { describe, expect, it } from 'vitest';
import { ConflictError, InputError } from '../errors.js';
import { requestHandler } from './request.js';
import { createRouter } from './router.js';

describe('createRouter', () => {
  const errors: unknown[] = [];
  const router = createRouter({ basePath: '/api/catalog/', onError: (e) => errors.push(e) })
    .get('/entities', (_req, { url }) => Response.json({ route: 'list', limit: url.searchParams.get('limit') }))
    .get('/entities/by-name/:kind/:namespace/:name', (_req, { params }) => Response.json(params))
    .post('/entities', async (req) => Response.json({ created: await req.json() }, { status: 201 }))
    .put('/entities/:id', (_req, { params }) => Response.json({ put: params.id }))
    .delete('/entities/:id', () => new Response(null, { status: 204 }))
    .get('/static/*', (_req, { params }) => new Response(params['*']))
    .all('/any', (req) => new Response(req.method))
    .get('/conflict', () => {
      throw new ConflictError('already there');
    })
    .get('/crash', () => {
      throw new Error('secret internals');
    });

  const call = (path: string, init?: RequestInit) => requestHandler(router.handler, path, init);
  const json = { 'content-type': 'application/json' };

  it('matches methods, params and query', async () => {
    expect(await (await call('/api/catalog/entities?limit=3')).json()).toEqual({ route: 'list', limit: '3' });
    expect(await (await call('/api/catalog/entities/by-name/component/default/my%20service')).json()).toEqual({
      kind: 'component',
      namespace: 'default',
      name: 'my service',
    });
    const created = await call('/api/catalog/entities', { method: 'POST', headers: json, body: JSON.stringify({ a: 1 }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ created: { a: 1 } });
    expect(await (await call('/api/catalog/entities/x', { method: 'PUT', headers: json })).json()).toEqual({ put: 'x' });
    expect((await call('/api/catalog/entities/x', { method: 'DELETE', headers: json })).status).toBe(204);
    expect(await (await call('/api/catalog/any', { method: 'PATCH', headers: json })).text()).toBe('PATCH');
  });

  it('captures the rest of the path under a trailing wildcard', async () => {
    expect(await (await call('/api/catalog/static/a/b/c.css')).text()).toBe('a/b/c.css');
    expect(await (await call('/api/catalog/static')).text()).toBe('');
  });

  it('answers HEAD with a GET route, without a body', async () => {
    const res = await call('/api/catalog/static/x', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('answers unknown routes and wrong methods with a Backstage 404', async () => {
    for (const [path, method] of [
      ['/api/catalog/nope', 'GET'],
      ['/api/catalogue/entities', 'GET'],
      ['/other', 'GET'],
      ['/api/catalog/entities/x', 'GET'],
    ] as const) {
      const res = await call(path, { method });
      expect(res.status, path).toBe(404);
      const body = await res.json();
      expect(body.error.name).toBe('NotFoundError');
      expect(body.request.method).toBe(method);
      expect(body.response.statusCode).toBe(404);
    }
  });

  it('turns thrown errors into error responses', async () => {
    const conflict = await call('/api/catalog/conflict');
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).error).toEqual({ name: 'ConflictError', message: 'already there' });
    const crash = await call('/api/catalog/crash');
    expect(crash.status).toBe(500);
    expect((await crash.json()).error.message).toBe('Internal server error');
    expect(errors.map((e) => (e as Error).name)).toEqual(['ConflictError', 'Error']);
    const bad = await call('/api/catalog/entities/by-name/a/b/%E0%A4%A');
    expect(bad.status).toBe(400);
  });

  it('rejects bad routes at creation', () => {
    expect(() => createRouter().get('no-slash', () => new Response())).toThrow(InputError);
    expect(() => createRouter().get('/a/*/b', () => new Response())).toThrow(InputError);
    for (const path of ['/a/../b', '/a/%61', '/a\\b', '/./a']) {
      expect(() => createRouter().get(path, () => new Response()), path).toThrow(InputError);
    }
  });

  it('works without a base path', async () => {
    const r = createRouter().get('/', () => new Response('root'));
    expect(await (await requestHandler(r.handler, '/')).text()).toBe('root');
  });
});

describe('createRouter: one spelling per path', () => {
  const seen: string[] = [];
  const router = createRouter({ basePath: '/api/catalog' })
    .get('/entities/by-name/:kind/:namespace/:name', (_req, { params }) => {
      seen.push(params.name!);
      return Response.json(params);
    })
    .get('/locations', () => Response.json('locations'))
    .get('/static/*', (_req, { params }) => new Response(params['*']))
    .post('/refresh', () => new Response('refreshed'))
    .delete('/entities/:id', () => new Response(null, { status: 204 }))
    .all('/any', (req) => new Response(req.method));
  const call = (path: string, init?: RequestInit) => requestHandler(router.handler, path, init);
  const status = async (path: string, init?: RequestInit) => (await call(path, init)).status;

  it('decodes params as Backstage clients encode them (encodeURIComponent)', async () => {
    for (const name of ['a b', 'ä€😀', '%', 'a.b-c_d~e', "!'()*", '..x', '.hidden']) {
      const res = await call(`/api/catalog/entities/by-name/component/default/${encodeURIComponent(name)}`);
      expect(res.status, name).toBe(200);
      expect((await res.json()).name).toBe(name);
    }
    // Hand-written encodings of reserved characters are fine too: they are not a second spelling.
    expect((await (await call('/api/catalog/entities/by-name/component/default/a%3Ab')).json()).name).toBe('a:b');
  });

  // Dot segments (`..`, `%2e%2e`) and backslashes never reach a handler through a `Request`: the
  // URL parser resolves them first. node.test.ts checks them on raw request targets.
  it('refuses every other spelling with a typed 400 and never reaches the route', async () => {
    seen.length = 0;
    const spellings = [
      '/api/catalog/entities/by-name/component/default/a%2fb',
      '/api/catalog/entities/by-name/component/default/a%2Fb',
      '/api/catalog/entities/by-name/component/default/a%5cb',
      '/api/catalog/entities/by-name/component/default/%61',
      '/api/catalog/entities/by-name/%63omponent/default/a',
      '/api/catalog/%6Cocations',
      '/api/catalog/entities/by-name/component/default/a%7Eb',
      '/api/catalog//locations',
      '/api/catalog/entities/by-name/component//a',
      'http://localhost//api/catalog/locations', // (a bare '//api' would be read as a host)
      '/api/catalog/entities/by-name/component/default/%ff',
      '/api/catalog/entities/by-name/component/default/%C0%AF',
      '/api/catalog/entities/by-name/component/default/%ED%A0%80',
      '/api/catalog/entities/by-name/component/default/%E0%A4%A',
      '/api/catalog/entities/by-name/component/default/a%zzb',
      '/api/catalog/entities/by-name/component/default/a%00b',
      '/api/catalog/locations?x=%00',
      '/api/catalog/locations?x=%ff',
      '/api/catalog/locations?x=100%',
      '/api/catalog/locations?%ff=1',
    ];
    for (const path of spellings) {
      const res = await call(path);
      const body = await res.json();
      expect(res.status, path).toBe(400);
      expect(body.error.name, path).toBe('InputError');
      expect(body.response.statusCode).toBe(400);
    }
    expect(seen).toEqual([]);
  });

  it('matches a trailing slash only under a * route', async () => {
    expect(await status('/api/catalog/locations')).toBe(200);
    expect(await status('/api/catalog/locations/')).toBe(404);
    expect(await status('/api/catalog/entities/by-name/component/default/a/')).toBe(404);
    expect(await (await call('/api/catalog/static/guide/')).text()).toBe('guide');
    expect(await (await call('/api/catalog/static/a%20b/c')).text()).toBe('a b/c');
  });

  it('answers state-changing requests without a JSON content type with 415, bodiless ones too', async () => {
    const refused: Array<[string, RequestInit]> = [
      ['/api/catalog/refresh', { method: 'POST', body: '{}' }], // text/plain;charset=UTF-8
      ['/api/catalog/refresh', { method: 'POST', headers: { 'content-type': 'text/plain' } }],
      ['/api/catalog/refresh', { method: 'POST', body: new URLSearchParams({ entityRef: 'x' }) }],
      ['/api/catalog/refresh', { method: 'POST', body: new FormData() }],
      ['/api/catalog/refresh', { method: 'POST', body: new Blob(['{}']) }], // no content type at all
      ['/api/catalog/refresh', { method: 'POST' }],
      ['/api/catalog/entities/x', { method: 'DELETE' }],
      ['/api/catalog/any', { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
      ['/api/catalog/any', { method: 'PATCH', headers: { 'content-type': 'multipart/form-data; boundary=x' } }],
    ];
    for (const [path, init] of refused) {
      const res = await call(path, init);
      expect(res.status, `${init.method} ${path}`).toBe(415);
      expect((await res.json()).error.name).toBe('UnsupportedMediaTypeError');
    }
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect(await status('/api/catalog/refresh', { method: 'POST', headers: json })).toBe(200);
    expect(await status('/api/catalog/entities/x', { method: 'DELETE', headers: json })).toBe(204);
    expect(await status('/api/catalog/any', { method: 'GET' })).toBe(200);
    expect(await status('/api/catalog/any', { method: 'OPTIONS' })).toBe(200);
    // Unknown routes stay 404 whatever the content type.
    expect(await status('/api/catalog/nope', { method: 'POST', body: 'x' })).toBe(404);
  });

  it('spells the root route as the base path itself', async () => {
    const r = createRouter({ basePath: '/api/x' }).get('/', () => new Response('root'));
    expect((await requestHandler(r.handler, '/api/x')).status).toBe(200);
    expect((await requestHandler(r.handler, '/api/x/')).status).toBe(404);
  });
});
