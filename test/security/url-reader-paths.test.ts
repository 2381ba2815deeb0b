import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { InputError, NotAllowedError, createHttpReader } from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A loopback server that decodes paths the way lenient servers and proxies do (percent-decoding
// until stable, backslashes as separators, dot segments resolved), serving a public tree under
// /public/ and a secret everywhere else. The reader's rule allows only /public/.
let server: Server;
let origin: string;
const hits: string[] = [];

function serverPath(raw: string): string {
  let decoded = raw.split('?')[0]!;
  for (let i = 0; i < 3; i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      break;
    }
  }
  return path.posix.normalize(decoded.replace(/\\/g, '/'));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const served = serverPath(req.url ?? '/');
    if (req.url === '/public/redirect-encoded') {
      res.writeHead(302, { location: '/public/..%2fprivate/secret' }).end();
    } else {
      res.end(served.startsWith('/public/') ? 'public' : 'SECRET');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const reader = () => createHttpReader({ allow: [{ host: new URL(origin).host, paths: ['/public'] }], timeoutMs: 2_000 });

describe('HTTP reader path rules (issue 16 #8)', () => {
  it('reads below the allowed path, also with harmless encodings', async () => {
    for (const p of ['/public/a.yaml', '/public/a%20b.yaml', '/%70ublic/a.yaml']) {
      expect((await reader().read(`${origin}${p}`)).buffer.toString(), p).toBe('public');
    }
  });

  it.each([
    '/public/..%2fprivate/secret',
    '/public/..%2Fprivate/secret',
    '/public/%2e%2e%2fprivate/secret',
    '/public/..%5cprivate/secret',
    '/public/%5c..%5cprivate/secret',
    '/public/..%252fprivate/secret',
    '/public/%252e%252e/private/secret',
    '/public/%25252e%25252e%25252fprivate',
    '/public/%2e%2e/private/secret',
    '/public/.%2e/private/secret',
    '/public/..\\private/secret',
    '/public//..//private/secret',
    '/public/%00/x',
    '/public/%ff/x',
  ])('refuses %s without sending it', async (p) => {
    const before = hits.length;
    const r = reader();
    expect(r.canRead(`${origin}${p}`)).toBe(false);
    await expect(r.read(`${origin}${p}`)).rejects.toBeInstanceOf(NotAllowedError);
    expect(hits.length).toBe(before);
  });

  it('checks redirect targets the same way', async () => {
    const before = hits.length;
    await expect(reader().read(`${origin}/public/redirect-encoded`)).rejects.toBeInstanceOf(NotAllowedError);
    expect(hits.slice(before)).toEqual(['/public/redirect-encoded']);
  });

  it('refuses path rules that could not be compared safely', () => {
    for (const paths of [['public'], ['/public/../private'], ['/a%2fb'], ['/a//b'], ['/a\\b']]) {
      expect(() => createHttpReader({ allow: [{ host: 'example.com', paths }] }), paths[0]).toThrow(InputError);
    }
  });
});
