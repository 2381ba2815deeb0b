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

  it('matches methods, params and query', async () => {
    expect(await (await call('/api/catalog/entities?limit=3')).json()).toEqual({ route: 'list', limit: '3' });
    expect(await (await call('/api/catalog/entities/')).json()).toMatchObject({ route: 'list' });
    expect(await (await call('/api/catalog/entities/by-name/component/default/my%20service')).json()).toEqual({
      kind: 'component',
      namespace: 'default',
      name: 'my service',
    });
    const created = await call('/api/catalog/entities', { method: 'POST', body: JSON.stringify({ a: 1 }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ created: { a: 1 } });
    expect(await (await call('/api/catalog/entities/x', { method: 'PUT' })).json()).toEqual({ put: 'x' });
    expect((await call('/api/catalog/entities/x', { method: 'DELETE' })).status).toBe(204);
    expect(await (await call('/api/catalog/any', { method: 'PATCH' })).text()).toBe('PATCH');
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
  });

  it('works without a base path', async () => {
    const r = createRouter().get('/', () => new Response('root'));
    expect(await (await requestHandler(r.handler, '/')).text()).toBe('root');
  });
});
