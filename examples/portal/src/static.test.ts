import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler } from './static.js';

describe('createStaticHandler', () => {
  let dir: string;
  let root: string;
  let handler: ReturnType<typeof createStaticHandler>;
  const get = (p: string, method = 'GET') => handler(new Request(`http://localhost${p}`, { method }));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pk-static-'));
    root = path.join(dir, 'public');
    await mkdir(path.join(root, 'js'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<h1>home</h1>');
    await writeFile(path.join(root, 'js', 'app.js'), 'export {}');
    await writeFile(path.join(root, '.env'), 'SECRET=1');
    await writeFile(path.join(dir, 'secret.txt'), 'outside');
    await symlink(path.join(dir, 'secret.txt'), path.join(root, 'leak.txt'));
    handler = createStaticHandler({ root });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves index.html for / and files with their content type', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await home.text()).toBe('<h1>home</h1>');
    const js = await get('/js/app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toBe('export {}');
  });

  it('answers HEAD without a body', async () => {
    const res = await get('/js/app.js', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('9');
    expect(await res.text()).toBe('');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/js/%2e%2e/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/index.html%00.js',
    '/.env',
    '/leak.txt',
    '/missing.js',
    '/%E0%A4%A',
  ])('refuses %s with a Backstage-shaped 404', async (p) => {
    const res = await get(p);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.name).toBe('NotFoundError');
    expect(JSON.stringify(body)).not.toContain('outside');
  });

  it('does not serve other methods', async () => {
    expect((await get('/index.html', 'POST')).status).toBe(404);
  });

  it('honours basePath', async () => {
    const assets = createStaticHandler({ root, basePath: '/assets' });
    expect((await assets(new Request('http://localhost/assets/js/app.js'))).status).toBe(200);
    expect((await assets(new Request('http://localhost/js/app.js'))).status).toBe(404);
  });
});
