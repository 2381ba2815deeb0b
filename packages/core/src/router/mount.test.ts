import { describe, expect, it } from 'vitest';
import { InputError, NotAllowedError } from '../errors.js';
import { mountHandlers } from './mount.js';
import { requestHandler } from './request.js';

describe('mountHandlers', () => {
  const named = (name: string) => async (req: Request) => new Response(`${name} ${new URL(req.url).pathname}`);
  const fetch = mountHandlers([
    { basePath: '/', handler: named('root') },
    { basePath: '/api/catalog', handler: named('catalog') },
    { basePath: '/api/catalog/special/', handler: named('special') },
    {
      basePath: '/api/boom',
      handler: async () => {
        throw new NotAllowedError('no');
      },
    },
  ]);

  it('picks the longest whole-segment prefix and keeps the full path', async () => {
    expect(await (await requestHandler(fetch, '/api/catalog/entities')).text()).toBe('catalog /api/catalog/entities');
    expect(await (await requestHandler(fetch, '/api/catalog')).text()).toBe('catalog /api/catalog');
    expect(await (await requestHandler(fetch, '/api/catalog/special/x')).text()).toBe('special /api/catalog/special/x');
    expect(await (await requestHandler(fetch, '/api/catalogue')).text()).toBe('root /api/catalogue');
    expect(await (await requestHandler(fetch, '/')).text()).toBe('root /');
  });

  it('answers 404 when nothing matches and maps thrown errors', async () => {
    const only = mountHandlers([{ basePath: '/api/a', handler: named('a') }]);
    const res = await requestHandler(only, '/api/b');
    expect(res.status).toBe(404);
    expect((await res.json()).error.name).toBe('NotFoundError');
    expect((await requestHandler(fetch, '/api/boom/x')).status).toBe(403);
  });

  it('refuses second spellings of a path with a typed 400 before any handler, for every mount', async () => {
    for (const path of ['/api/%63atalog/x', '/api/catalog%2fspecial/x', '/api//catalog', '/x/%ff', '/x?q=%00', '/api/catalog/a%5cb']) {
      const res = await requestHandler(fetch, path);
      expect(res.status, path).toBe(400);
      expect((await res.json()).error.name).toBe('InputError');
    }
  });

  it('rejects two handlers at one base path', () => {
    expect(() =>
      mountHandlers([
        { basePath: '/api/a', handler: named('a') },
        { basePath: '/api/a/', handler: named('b') },
      ]),
    ).toThrow(InputError);
  });
});
