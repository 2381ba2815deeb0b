import { describe, expect, it } from 'vitest';
import { createEventBus } from './events.js';
import { InputError } from './errors.js';
import { createLogger, memorySink } from './logger.js';
import type { PortalContext, PortalPlugin } from './plugin.js';
import { createPortal } from './portal.js';
import { createPortalAuth } from './auth/portal-auth.js';
import { createRouter } from './router/router.js';

const quiet = () => createLogger({ sink: memorySink() });

describe('createPortal', () => {
  it('mounts plugins at /api/<id> or their basePath', async () => {
    const portal = createPortal({
      logger: quiet(),
      plugins: [
        { id: 'hello', handler: async (req) => Response.json({ path: new URL(req.url).pathname }) },
        { id: 'page', basePath: '/', handler: async () => new Response('<h1>home</h1>') },
        { id: 'no-handler' },
      ],
    });
    expect(await (await portal.request('/api/hello/x')).json()).toEqual({ path: '/api/hello/x' });
    expect(await (await portal.request('/anything')).text()).toBe('<h1>home</h1>');
    expect(await (await portal.fetch(new Request('http://h/api/hello'))).json()).toEqual({ path: '/api/hello' });
  });

  it('rejects duplicate and empty ids, naming them', () => {
    expect(() => createPortal({ plugins: [{ id: 'catalog' }, { id: 'catalog' }] })).toThrow(/"catalog"/);
    expect(() => createPortal({ plugins: [{ id: '' }] })).toThrow(InputError);
    expect(() => createPortal({ plugins: [{ id: 'a', basePath: '/x', handler: async () => new Response() }, { id: 'b', basePath: '/x/', handler: async () => new Response() }] })).toThrow(InputError);
  });

  it('starts plugins in order with a context and stops them in reverse', async () => {
    const calls: string[] = [];
    let context: PortalContext | undefined;
    const plugin = (id: string): PortalPlugin => ({
      id,
      start(ctx) {
        calls.push(`start ${id}`);
        context ??= ctx;
      },
      stop() {
        calls.push(`stop ${id}`);
      },
    });
    const config = { catalog: { locations: [] } };
    const portal = createPortal({ config, logger: quiet(), plugins: [plugin('a'), plugin('b'), plugin('c')] });
    await portal.start();
    await portal.start(); // idempotent
    await portal.stop();
    expect(calls).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
    expect(context?.config).toBe(config);
    expect(typeof context?.reader.read).toBe('function');
    expect(typeof context?.events.publish).toBe('function');
  });

  it('stops already-started plugins when one fails to start, and logs stop failures', async () => {
    const calls: string[] = [];
    const sink = memorySink();
    const portal = createPortal({
      logger: createLogger({ sink }),
      plugins: [
        { id: 'a', start: () => void calls.push('start a'), stop: () => void calls.push('stop a') },
        {
          id: 'b',
          start: () => {
            throw new InputError('bad config for b');
          },
          stop: () => void calls.push('stop b'),
        },
        { id: 'c', start: () => void calls.push('start c') },
      ],
    });
    await expect(portal.start()).rejects.toThrow('bad config for b');
    expect(calls).toEqual(['start a', 'stop a']);
    expect(sink.records.some((r) => r.level === 'error' && r.fields.plugin === 'b')).toBe(true);
  });

  it('keeps stopping when a plugin fails to stop', async () => {
    const calls: string[] = [];
    const portal = createPortal({
      logger: quiet(),
      plugins: [
        { id: 'a', stop: () => void calls.push('stop a') },
        {
          id: 'b',
          stop: () => {
            throw new Error('stuck');
          },
        },
      ],
    });
    await portal.start();
    await portal.stop();
    expect(calls).toEqual(['stop a']);
  });

  it('listens on node:http and closes', async () => {
    const portal = createPortal({ logger: quiet(), plugins: [{ id: 'hello', handler: async () => new Response('hi') }] });
    const server = await portal.listen({ port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${server.url}/api/hello`)).text()).toBe('hi');
    const missing = await fetch(`${server.url}/api/nope`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.name).toBe('NotFoundError');
    await server.close();
    await expect(fetch(`${server.url}/api/hello`)).rejects.toThrow();
    await portal.stop();
  });

  it('closes open servers on stop', async () => {
    const portal = createPortal({ logger: quiet(), plugins: [{ id: 'hello', handler: async () => new Response('hi') }] });
    const server = await portal.listen({ port: 0 });
    await portal.stop();
    await expect(fetch(`${server.url}/api/hello`)).rejects.toThrow();
  });
});

describe('createPortal with a policy', () => {
  it('answers 503 until started, so no plugin serves with the allow-all default it has before start', async () => {
    const auth = createPortalAuth({ logger: quiet(), policy: () => ({ result: 'DENY' }) });
    let adopted: PortalContext['auth'] | undefined;
    const plugin: PortalPlugin = {
      id: 'p',
      start: (context) => {
        adopted = context.auth;
      },
      handler: async () => Response.json({ auth: adopted === auth }),
    };
    const portal = createPortal({ logger: quiet(), auth, plugins: [plugin] });
    const early = await portal.request('/api/p');
    expect(early.status).toBe(503);
    expect((await early.json()).error.name).toBe('ServiceUnavailableError');
    await portal.start();
    expect(await (await portal.request('/api/p')).json()).toEqual({ auth: true });
    await portal.stop();
    expect((await portal.request('/api/p')).status).toBe(503);
  });

  it('serves before start when no policy is set (the allow-all default changes nothing)', async () => {
    const portal = createPortal({ logger: quiet(), auth: createPortalAuth({ logger: quiet() }), plugins: [{ id: 'p', handler: async () => new Response('ok') }] });
    expect(await (await portal.request('/api/p')).text()).toBe('ok');
  });
});

describe('createPortal listen errors', () => {
  it('rejects with ServiceUnavailableError when the port is taken', async () => {
    const portal = createPortal({ logger: quiet(), plugins: [] });
    const first = await portal.listen({ port: 0 });
    const port = Number(new URL(first.url).port);
    const error = await portal.listen({ port }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('ServiceUnavailableError');
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    await portal.stop();
  });

  it('reports every 5xx it answers, with the error a router turned into it, to onError (default: its logger)', async () => {
    const router = createRouter({ basePath: '/api/boom' }).get('/', () => {
      throw new Error('kaboom');
    });
    const plugins: PortalPlugin[] = [{ id: 'boom', handler: router.handler }, { id: 'fine', handler: async () => new Response('ok') }];
    const sink = memorySink();
    const logged = createPortal({ logger: createLogger({ sink }), plugins });
    expect((await logged.request('/api/boom')).status).toBe(500);
    expect((await logged.request('/api/fine')).status).toBe(200);
    const failures = sink.records.filter((record) => record.message === 'request failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.fields).toMatchObject({ method: 'GET', path: '/api/boom' });
    expect(String(failures[0]!.fields.error)).toContain('kaboom');

    const seen: unknown[] = [];
    const hooked = createPortal({ logger: quiet(), plugins, onError: (error) => seen.push(error) });
    expect((await hooked.request('/api/boom')).status).toBe(500);
    expect(seen.map((error) => (error as Error).message)).toEqual(['kaboom']);

    const throwing = createPortal({ logger: quiet(), plugins, onError: () => { throw new Error('hook failed'); } });
    expect(await (await throwing.request('/api/boom')).json()).toMatchObject({ error: { message: 'Internal server error' } });
  });
});

describe('createPortal with a bus that starts and stops', () => {
  it('starts the bus after every plugin (so its replay reaches their subscribers) and stops it before them', async () => {
    const order: string[] = [];
    const inner = createEventBus();
    const events = {
      ...inner,
      async start() {
        order.push('bus start');
        await inner.publish('replayed', 1);
      },
      async stop() {
        order.push('bus stop');
      },
    };
    const heard: unknown[] = [];
    const plugin = (id: string) => ({
      id,
      start(context: { events: typeof inner }) {
        order.push(`${id} start`);
        context.events.subscribe('replayed', (payload) => void heard.push(`${id}:${String(payload)}`));
      },
      stop() {
        order.push(`${id} stop`);
      },
    });
    const portal = createPortal({ plugins: [plugin('a'), plugin('b')], events });
    await portal.start();
    await portal.stop();
    expect(order).toEqual(['a start', 'b start', 'bus start', 'bus stop', 'b stop', 'a stop']);
    expect(heard).toEqual(['a:1', 'b:1']);
  });

  it('a bus that fails to start stops the plugins and fails the start', async () => {
    const stopped: string[] = [];
    const events = { ...createEventBus(), start: async () => Promise.reject(new Error('no database')) };
    const portal = createPortal({ plugins: [{ id: 'a', stop: () => void stopped.push('a') }], events, logger: createLogger({ sink: memorySink() }) });
    await expect(portal.start()).rejects.toThrow('no database');
    expect(stopped).toEqual(['a']);
  });
});
