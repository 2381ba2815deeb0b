import { describe, expect, it } from 'vitest';
import { guardDocsPaths } from './docs-path-guard.js';

describe('guardDocsPaths', () => {
  const seen: string[] = [];
  const handler = guardDocsPaths(async (request) => {
    seen.push(new URL(request.url).pathname);
    return new Response('page');
  }, '/api/techdocs');
  const get = (p: string) => handler(new Request(`http://localhost${p}`));

  it.each([
    '/api/techdocs/static/docs/default/component/a/index.html',
    '/api/techdocs/static/docs/default/component/a/',
    '/api/techdocs/static/docs/default/component/a/guides/setup/',
    '/api/techdocs/static/docs/default/component/a/img/a%20b.png',
    '/api/techdocs/metadata/techdocs/default/component/a',
    '/api/catalog/entities//x',
  ])('passes %s through', async (p) => {
    const res = await get(p);
    expect(res.status).toBe(200);
    expect(seen).toContain(p);
  });

  it.each([
    '/api/techdocs/static/docs/default/component/a//b/index.html',
    '/api/techdocs/static/docs/default//a/index.html',
    '/api/techdocs/static/docs/default/component/a/%2F%2Fevil.example/x',
    '/api/techdocs/static/docs/default/component/a/..%2f..%2fb/index.html',
    '/api/techdocs/static/docs/default/component/a/..%5c..%5cb/index.html',
    '/api/techdocs/static/docs/default/component/a/%252e%252e/b/index.html',
    '/api/techdocs/static/docs/default/component/a/%00/index.html',
    '/api/techdocs/static/docs/default/component/a/%ff/index.html',
  ])('refuses %s with a typed 400', async (p) => {
    const res = await get(p);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { name: string } }).error.name).toBe('InputError');
    expect(seen).not.toContain(p);
  });
});
