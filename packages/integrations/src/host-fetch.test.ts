import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostFetch } from './host-fetch.js';

/** A server that records what it was sent and answers by path. */
async function start(answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string }) {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const { status, headers, body } = answer(req.url ?? '');
    res.writeHead(status, headers).end(body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('createHostFetch', () => {
  let api: Awaited<ReturnType<typeof start>>;
  let archive: Awaited<ReturnType<typeof start>>;
  let elsewhere: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    archive = await start(() => ({ status: 200, body: 'archive' }));
    elsewhere = await start(() => ({ status: 200, body: 'elsewhere' }));
    api = await start((path) => {
      if (path === '/tarball') return { status: 302, headers: { location: `${archive.origin}/download?token=short-lived` } };
      if (path === '/away') return { status: 302, headers: { location: `${elsewhere.origin}/steal` } };
      if (path === '/loop') return { status: 302, headers: { location: '/loop' } };
      return { status: 200, body: 'ok' };
    });
  });
  afterAll(async () => {
    await api.close();
    await archive.close();
    await elsewhere.close();
  });

  it('follows a redirect to another configured origin without the Authorization header', async () => {
    const hostFetch = createHostFetch({ origins: [api.origin, archive.origin], allowPrivateNetwork: true });
    const response = await hostFetch(`${api.origin}/tarball`, { headers: { authorization: 'token secret-token-1' } });
    expect(await response.text()).toBe('archive');
    expect(api.seen.at(-1)!.headers.authorization).toBe('token secret-token-1');
    expect(archive.seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('refuses origins and redirect targets that are not configured', async () => {
    const hostFetch = createHostFetch({ origins: [api.origin], allowPrivateNetwork: true });
    await expect(hostFetch(`${elsewhere.origin}/x`)).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(hostFetch(`${api.origin}/away`)).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(elsewhere.seen).toHaveLength(0);
    await expect(hostFetch(`${api.origin}/loop`)).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
  });

  it('refuses an internal address unless the integration allows the private network', async () => {
    const hostFetch = createHostFetch({ origins: [api.origin] });
    await expect(hostFetch(`${api.origin}/x`)).rejects.toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('internal address') });
  });
});
