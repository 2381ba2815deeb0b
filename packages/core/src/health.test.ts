import { describe, expect, it } from 'vitest';
import { createPortalAuth } from './auth/portal-auth.js';
import { createPolicy } from './auth/policy.js';
import { InputError } from './errors.js';
import { createLogger, memorySink } from './logger.js';
import type { PortalPlugin } from './plugin.js';
import { createPortal } from './portal.js';

const quiet = () => createLogger({ sink: memorySink() });
const page: PortalPlugin = { id: 'page', basePath: '/', handler: async () => new Response('page') };

describe('portal health routes', () => {
  it('answers liveness at once and readiness 503 until every plugin started', async () => {
    let release!: () => void;
    const slow: PortalPlugin = { id: 'slow', start: () => new Promise<void>((r) => (release = r)) };
    const portal = createPortal({ logger: quiet(), plugins: [page, slow] });
    for (const path of ['/.backstage/health/v1/liveness', '/healthz']) {
      const res = await portal.request(path);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    expect((await portal.request('/readyz')).status).toBe(503);
    const starting = portal.start();
    const during = await portal.request('/.backstage/health/v1/readiness');
    expect(during.status).toBe(503);
    expect(await during.json()).toEqual({ status: 'error', message: 'The portal has not started yet' });
    release();
    await starting;
    const ready = await portal.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: {} });
    // Other paths and methods still reach the plugins (the page is mounted at `/`).
    expect(await (await portal.request('/readyz/x')).text()).toBe('page');
    expect(await (await portal.request('/readyz', { method: 'POST' })).text()).toBe('page');
    await portal.stop();
    expect((await portal.request('/readyz')).status).toBe(503);
  });

  it('answers 503 as soon as stop begins, while plugins are still stopping', async () => {
    let release!: () => void;
    const observed: number[] = [];
    const portal = createPortal({
      logger: quiet(),
      plugins: [{ id: 'draining', stop: () => new Promise<void>((r) => (release = r)) }],
    });
    await portal.start();
    const stopping = portal.stop();
    const res = await portal.request('/readyz');
    observed.push(res.status);
    expect(await res.json()).toEqual({ status: 'error', message: 'The portal is stopping' });
    release();
    await stopping;
    expect(observed).toEqual([503]);
    // Liveness stays up: the process still answers.
    expect((await portal.request('/healthz')).status).toBe(200);
  });

  it("runs plugins' readiness checks, naming failures without their error text", async () => {
    const sink = memorySink();
    let databaseUp = true;
    const portal = createPortal({
      logger: createLogger({ sink }),
      plugins: [
        {
          id: 'catalog',
          readiness: async () => {
            if (!databaseUp) throw new Error('connect ECONNREFUSED postgres://admin:s3cret@db:5432');
          },
        },
        { id: 'search', readiness: () => {} },
      ],
    });
    await portal.start();
    expect(await (await portal.request('/readyz')).json()).toEqual({ status: 'ok', checks: { catalog: 'ok', search: 'ok' } });
    databaseUp = false;
    const res = await portal.request('/.backstage/health/v1/readiness');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ status: 'error', message: 'A readiness check failed', checks: { catalog: 'failed', search: 'ok' } });
    expect(text).not.toContain('s3cret');
    expect(sink.records.some((r) => r.message === 'readiness check failed' && r.fields.check === 'catalog')).toBe(true);
    await portal.stop();
  });

  it('fails a check that hangs after checkTimeoutMs and aborts its signal', async () => {
    let aborted = false;
    const portal = createPortal({
      logger: quiet(),
      health: { checkTimeoutMs: 20 },
      plugins: [
        {
          id: 'stuck',
          readiness: (signal) =>
            new Promise<void>(() => {
              signal.addEventListener('abort', () => (aborted = true));
            }),
        },
      ],
    });
    await portal.start();
    const res = await portal.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { stuck: 'timed out' } });
    expect(aborted).toBe(true);
    await portal.stop();
  });

  it('serves probes without asking the policy, which still guards the plugins', async () => {
    const auth = createPortalAuth({ logger: quiet(), policy: createPolicy({ rules: [], statements: [] }) });
    const portal = createPortal({ logger: quiet(), auth, plugins: [page] });
    expect((await portal.request('/healthz')).status).toBe(200);
    expect((await portal.request('/readyz')).status).toBe(503);
    expect((await portal.request('/other')).status).toBe(503);
    await portal.start();
    expect((await portal.request('/readyz')).status).toBe(200);
    await portal.stop();
  });

  it('can drop the aliases or every route, and rejects a bad timeout', async () => {
    const noAliases = createPortal({ logger: quiet(), health: { aliases: false }, plugins: [page] });
    await noAliases.start();
    expect(await (await noAliases.request('/healthz')).text()).toBe('page');
    expect((await noAliases.request('/.backstage/health/v1/readiness')).status).toBe(200);
    const none = createPortal({ logger: quiet(), health: false, plugins: [page] });
    expect(await (await none.request('/.backstage/health/v1/liveness')).text()).toBe('page');
    expect(() => createPortal({ plugins: [], health: { checkTimeoutMs: -1 } })).toThrow(InputError);
    expect(() => createPortal({ plugins: [], health: { checkTimeoutMs: Number.NaN } })).toThrow(/health.checkTimeoutMs/);
  });
});
