import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  PayloadTooLargeError,
  ServiceUnavailableError,
} from '../errors.js';
import { createHttpReader } from './http.js';

let server: Server;
let origin: string;
let host: string;
let bytesSentForHuge = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/ok/file.yaml':
        res.setHeader('etag', '"v1"');
        if (req.headers['if-none-match'] === '"v1"') {
          res.statusCode = 304;
          res.end();
          return;
        }
        res.end('kind: Component\n');
        return;
      case '/ok/no-etag':
        res.end('plain');
        return;
      case '/ok/redirect-inside':
        res.writeHead(302, { location: '/ok/file.yaml' }).end();
        return;
      case '/ok/redirect-outside-paths':
        res.writeHead(301, { location: '/private/secret' }).end();
        return;
      case '/ok/redirect-other-host':
        res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data' }).end();
        return;
      case '/ok/redirect-loop':
        res.writeHead(302, { location: '/ok/redirect-loop' }).end();
        return;
      case '/ok/slow':
        setTimeout(() => res.end('late'), 2_000).unref();
        return;
      case '/ok/huge': {
        // No content-length: the reader must count while streaming and stop early.
        const chunk = Buffer.alloc(64 * 1024, 97);
        let sent = 0;
        const pump = () => {
          while (sent < 50 * 1024 * 1024) {
            sent += chunk.length;
            bytesSentForHuge = sent;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('close', () => {});
        pump();
        return;
      }
      case '/ok/declared-huge':
        res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
        res.write('a');
        return;
      case '/ok/error':
        res.statusCode = 500;
        res.end('boom');
        return;
      default:
        res.statusCode = 404;
        res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const reader = () =>
  createHttpReader({ allow: [{ host: '127.0.0.1', paths: ['/ok'] }], timeoutMs: 500, maxBytes: 1024 * 1024 });

describe('createHttpReader', () => {
  it('reads an allowed URL, using the server etag', async () => {
    const result = await reader().read(`${origin}/ok/file.yaml`);
    expect(result.buffer.toString()).toBe('kind: Component\n');
    expect(result.etag).toBe('"v1"');
    await expect(reader().read(`${origin}/ok/file.yaml`, { etag: '"v1"' })).rejects.toBeInstanceOf(NotModifiedError);
    const plain = await reader().read(`${origin}/ok/no-etag`);
    expect(plain.etag).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects hosts and paths off the allow-list', async () => {
    const r = reader();
    expect(r.canRead(`${origin}/ok/file.yaml`)).toBe(true);
    expect(r.canRead(`${origin}/private/x`)).toBe(false);
    expect(r.canRead(`${origin}/okay/x`)).toBe(false);
    expect(r.canRead(`${origin}/ok/../private/x`)).toBe(false);
    expect(r.canRead('http://localhost/ok/file.yaml')).toBe(false);
    expect(r.canRead('ftp://127.0.0.1/ok/file.yaml')).toBe(false);
    expect(r.canRead('http://user:pw@127.0.0.1/ok/file.yaml')).toBe(false);
    await expect(r.read('http://localhost/ok/file.yaml')).rejects.toBeInstanceOf(NotAllowedError);
    await expect(r.read(`${origin}/private/secret`)).rejects.toBeInstanceOf(NotAllowedError);
    await expect(r.read('not a url')).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('matches wildcard and host:port rules', () => {
    const r = createHttpReader({ allow: [{ host: '*.example.com' }, { host: `${host}` }] });
    expect(r.canRead('https://docs.example.com/a')).toBe(true);
    expect(r.canRead('https://a.b.example.com/a')).toBe(true);
    expect(r.canRead('https://example.com/a')).toBe(false);
    expect(r.canRead('https://evilexample.com/a')).toBe(false);
    expect(r.canRead(`${origin}/anything`)).toBe(true);
    expect(r.canRead('http://127.0.0.1:1/anything')).toBe(false);
  });

  it('follows redirects on the allow-list and refuses the rest', async () => {
    const r = reader();
    expect((await r.read(`${origin}/ok/redirect-inside`)).buffer.toString()).toBe('kind: Component\n');
    const outside = r.read(`${origin}/ok/redirect-outside-paths`);
    await expect(outside).rejects.toBeInstanceOf(NotAllowedError);
    await expect(outside).rejects.toThrow(/redirected to http:\/\/127\.0\.0\.1:\d+\/private\/secret/);
    await expect(r.read(`${origin}/ok/redirect-other-host`)).rejects.toThrow(/169\.254\.169\.254.*not allowed/);
    await expect(r.read(`${origin}/ok/redirect-loop`)).rejects.toThrow(/more than 5 redirects/);
  });

  it('times out as ServiceUnavailable', async () => {
    const error = await reader().read(`${origin}/ok/slow`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/timed out after 500 ms/);
  });

  it('stops reading a body over maxBytes', async () => {
    const r = createHttpReader({ allow: [{ host: '127.0.0.1' }], timeoutMs: 10_000, maxBytes: 256 * 1024 });
    await expect(r.read(`${origin}/ok/huge`)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(bytesSentForHuge).toBeLessThan(50 * 1024 * 1024);
    await expect(r.read(`${origin}/ok/declared-huge`)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('maps status codes to typed errors', async () => {
    await expect(reader().read(`${origin}/ok/missing`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(reader().read(`${origin}/ok/error`)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('reports a refused connection as ServiceUnavailable', async () => {
    const r = createHttpReader({ allow: [{ host: '127.0.0.1' }], timeoutMs: 2_000 });
    await expect(r.read('http://127.0.0.1:1/x')).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('passes the caller abort reason through', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const pending = createHttpReader({ allow: [{ host: '127.0.0.1' }], timeoutMs: 10_000 }).read(`${origin}/ok/slow`, {
      signal: controller.signal,
    });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('does not read trees and rejects misuse at creation', async () => {
    await expect(reader().readTree(`${origin}/ok/`)).rejects.toBeInstanceOf(NotImplementedError);
    expect(() => createHttpReader({ allow: [{ host: '' }] })).toThrow(InputError);
  });
});
