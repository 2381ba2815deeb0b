import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCatalog } from '@portalkit/catalog';
import { NotAllowedError, createHttpReader, createUrlReader } from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Two loopback servers: `public` stands for an allowed host, `internal` for what must stay unreachable. */
interface TestServer {
  server: Server;
  port: number;
  hits: string[];
}
let pub: TestServer;
let internal: TestServer;

async function start(handler: (path: string, res: import('node:http').ServerResponse) => void): Promise<TestServer> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req.url ?? '/', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

beforeAll(async () => {
  internal = await start((_path, res) => res.end('INTERNAL-SECRET'));
  pub = await start((path, res) => {
    if (path === '/redirect-internal') res.writeHead(302, { location: `http://127.0.0.1:${internal.port}/latest/meta-data` }).end();
    else if (path === '/redirect-metadata') res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else if (path === '/redirect-v6') res.writeHead(307, { location: `http://[::1]:${internal.port}/` }).end();
    else if (path === '/redirect-localhost') res.writeHead(308, { location: `http://localhost:${internal.port}/` }).end();
    else if (path === '/catalog-info.yaml')
      res.end('apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: { name: remote }\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: ' + `http://127.0.0.1:${internal.port}/secret\n`);
    else res.end('public');
  });
});
afterAll(async () => {
  for (const s of [pub, internal]) {
    s.server.closeAllConnections();
    await new Promise((resolve) => s.server.close(resolve));
  }
});

const publicOnly = () => createHttpReader({ allow: [{ host: `127.0.0.1:${pub.port}` }], timeoutMs: 2_000 });

describe('HTTP reader SSRF defences', () => {
  it('reads the allowed host', async () => {
    expect((await publicOnly().read(`http://127.0.0.1:${pub.port}/x`)).buffer.toString()).toBe('public');
  });

  it.each([
    ['another port of the same address', (p: number) => `http://127.0.0.1:${p}/`],
    ['a decimal IPv4 form', (p: number) => `http://2130706433:${p}/`],
    ['a hex/short IPv4 form', (p: number) => `http://0x7f.1:${p}/`],
    ['IPv6 loopback', (p: number) => `http://[::1]:${p}/`],
    ['an IPv4-mapped IPv6 loopback', (p: number) => `http://[::ffff:127.0.0.1]:${p}/`],
    ['localhost', (p: number) => `http://localhost:${p}/`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['credentials in the URL', (p: number) => `http://user:pw@127.0.0.1:${p}/`],
    ['a non-HTTP scheme', (p: number) => `gopher://127.0.0.1:${p}/`],
  ])('refuses %s off the allow-list without sending a request', async (_name, url) => {
    const before = internal.hits.length;
    await expect(publicOnly().read(url(internal.port))).rejects.toThrow(NotAllowedError);
    expect(internal.hits.length).toBe(before);
  });

  it.each(['/redirect-internal', '/redirect-metadata', '/redirect-v6', '/redirect-localhost'])(
    'refuses a redirect from the allowed host to an internal one (%s)',
    async (path) => {
      const before = internal.hits.length;
      await expect(publicOnly().read(`http://127.0.0.1:${pub.port}${path}`)).rejects.toThrow(/redirected to .* not allowed/);
      expect(internal.hits.length).toBe(before);
    },
  );

  it('refuses an allowed host name that resolves to an internal address unless the rule opts in', async () => {
    const byName = createHttpReader({ allow: [{ host: `localhost:${internal.port}` }], timeoutMs: 2_000 });
    const before = internal.hits.length;
    await expect(byName.read(`http://localhost:${internal.port}/`)).rejects.toThrow(/resolves to the internal address/);
    expect(internal.hits.length).toBe(before);
    const optedIn = createHttpReader({ allow: [{ host: `localhost:${internal.port}`, allowPrivateNetwork: true }], timeoutMs: 2_000 });
    expect((await optedIn.read(`http://localhost:${internal.port}/`)).buffer.toString()).toBe('INTERNAL-SECRET');
  });

  it('matches IPv6 rules with and without a port', () => {
    const withPort = createHttpReader({ allow: [{ host: '[::1]:8443' }] });
    expect(withPort.canRead('https://[::1]:8443/x')).toBe(true);
    expect(withPort.canRead('https://[::1]:9000/x')).toBe(false);
    const anyPort = createHttpReader({ allow: [{ host: '[::1]' }] });
    expect(anyPort.canRead('https://[::1]:9000/x')).toBe(true);
  });

  it('checks the resolved address of every redirect hop', async () => {
    // The redirect target is on the allow-list by name, but that name is loopback.
    const reader = createHttpReader({ allow: [{ host: `127.0.0.1:${pub.port}` }, { host: `localhost:${internal.port}` }], timeoutMs: 2_000 });
    const before = internal.hits.length;
    await expect(reader.read(`http://127.0.0.1:${pub.port}/redirect-localhost`)).rejects.toThrow(/internal address/);
    expect(internal.hits.length).toBe(before);
  });

  it('a catalog url location cannot reach internal hosts through placeholders', async () => {
    const reader = createUrlReader({ http: { allow: [{ host: `127.0.0.1:${pub.port}` }], timeoutMs: 2_000 } });
    const catalog = createCatalog({ reader });
    const before = internal.hits.length;
    await catalog.addLocation({ type: 'url', target: `http://127.0.0.1:${pub.port}/catalog-info.yaml` });
    await catalog.addLocation({ type: 'url', target: `http://127.0.0.1:${internal.port}/catalog-info.yaml` });
    expect(internal.hits.length).toBe(before);
    const errors = JSON.stringify(await catalog.getProcessingErrors());
    expect(errors).toMatch(/leaves http:\/\/127\.0\.0\.1:\d+/);
    expect(errors).toMatch(/NotAllowedError/);
    expect(errors).not.toContain('INTERNAL-SECRET');
  });
});
