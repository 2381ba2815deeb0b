import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, toHttpResponse } from '../errors.js';
import type { Handler } from '../handler.js';
import { toNodeHandler } from './node.js';
import { readJsonBody } from './body.js';

let server: Server | undefined;

async function serve(handler: Handler, onError?: (e: unknown) => void): Promise<string> {
  server = createServer(toNodeHandler(handler, { onError }));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('toNodeHandler', () => {
  it('passes method, url, headers and a streamed body; writes status, headers and cookies', async () => {
    let seen: { method: string; url: string; header: string | null; body: string } | undefined;
    const origin = await serve(async (req) => {
      seen = { method: req.method, url: req.url, header: req.headers.get('x-test'), body: await req.text() };
      const headers = new Headers({ 'content-type': 'text/plain', 'x-out': 'yes' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response('created', { status: 201, headers });
    });
    const res = await fetch(`${origin}/api/x?q=1`, { method: 'POST', headers: { 'x-test': 'hi' }, body: 'payload' });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('created');
    expect(res.headers.get('x-out')).toBe('yes');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(seen).toEqual({ method: 'POST', url: `${origin}/api/x?q=1`, header: 'hi', body: 'payload' });
  });

  it('answers HEAD without a body', async () => {
    const origin = await serve(async () => new Response('body', { headers: { 'x-a': '1' } }));
    const res = await fetch(origin, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-a')).toBe('1');
    expect(await res.text()).toBe('');
  });

  it('maps thrown errors to Backstage error responses', async () => {
    const errors: unknown[] = [];
    const origin = await serve(async () => {
      throw new InputError('bad thing');
    }, (e) => errors.push(e));
    const res = await fetch(`${origin}/x`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { name: 'InputError', message: 'bad thing' } });
    expect(errors).toHaveLength(1);
  });

  it('ignores a hostile Host header when building the URL', async () => {
    let url = '';
    const origin = await serve(async (req) => {
      url = req.url;
      return new Response('ok');
    });
    const { port } = new URL(origin);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/p', headers: { host: 'evil.com/x?y#' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    expect(url).toBe('http://localhost/p');
  });

  it('streams server-sent events as they are written and aborts the request signal on disconnect', async () => {
    let aborted: () => void;
    const abortedPromise = new Promise<void>((resolve) => (aborted = resolve));
    let release: () => void;
    const second = new Promise<void>((resolve) => (release = resolve));
    const origin = await serve(async (req) => {
      req.signal.addEventListener('abort', () => aborted());
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('data: one\n\n'));
          await second;
          controller.enqueue(encoder.encode('data: two\n\n'));
          // Never closes: only the client disconnect ends this stream.
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const controller = new AbortController();
    const res = await fetch(`${origin}/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    // The first event arrives while the handler is still blocked on the second.
    expect(decoder.decode((await reader.read()).value)).toBe('data: one\n\n');
    release!();
    expect(decoder.decode((await reader.read()).value)).toBe('data: two\n\n');
    controller.abort();
    await abortedPromise;
  });
});

describe('toNodeHandler failure containment', () => {
  it('answers 500 when the handler returns something that is not a Response', async () => {
    const origin = await serve((async () => 'not a response') as unknown as Handler);
    const res = await fetch(origin);
    expect(res.status).toBe(500);
    expect((await res.json()).error.message).toBe('Internal server error');
  });

  it('cuts the connection when the response body fails mid-stream, and keeps serving', async () => {
    let calls = 0;
    const origin = await serve(async () => {
      calls++;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new TextEncoder().encode('partial'));
          controller.error(new Error('disk gone'));
        },
      });
      return new Response(body);
    });
    await expect(fetch(origin).then((r) => r.text())).rejects.toThrow();
    await expect(fetch(origin).then((r) => r.text())).rejects.toThrow();
    expect(calls).toBe(2);
  });
});

describe('toNodeHandler: raw request targets', () => {
  /** Send a request line byte for byte (fetch and http.request would normalise the path). */
  async function rawStatus(origin: string, target: string): Promise<number> {
    const { hostname, port } = new URL(origin);
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.end(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
  }

  it('refuses dot segments, backslashes, fragments and other second spellings before parsing the URL', async () => {
    const reached: string[] = [];
    const origin = await serve(async (req) => {
      reached.push(new URL(req.url).pathname);
      return new Response('ok');
    });
    const refused = [
      '/api/../admin',
      '/api/./admin',
      '/api/%2e%2e/admin',
      '/api/%2E%2E/admin',
      '/api/.%2e/admin',
      '/api/%2e./admin',
      '/api/%2e/admin',
      '/api/x/..',
      '/api\\..\\admin',
      '/api\\admin',
      '/api/%5c/admin',
      '/api/%2f/admin',
      '//admin',
      '/api//admin',
      '/api/%61dmin',
      '/api/admin#/../x',
      '/api/%ff',
      '/api/%00',
      '/api?x=%ff',
      '/api?x=%00',
      'http://localhost/api/../admin',
      'http://localhost//admin',
    ];
    for (const target of refused) expect(await rawStatus(origin, target), target).toBe(400);
    expect(reached).toEqual([]);
    expect(await rawStatus(origin, '/api/admin/a%20b?q=%C3%A9')).toBe(200);
    expect(await rawStatus(origin, 'http://localhost/api/admin')).toBe(200);
    expect(reached).toEqual(['/api/admin/a%20b', '/api/admin']);
  });
});

describe('toNodeHandler: failures and unread bodies', () => {
  it('reports 5xx responses with the error a router turned into them, and thrown errors, to onError', async () => {
    const errors: unknown[] = [];
    const kaboom = new Error('kaboom');
    const url = await serve(async (request) => {
      const path = new URL(request.url).pathname;
      if (path === '/answered') return toHttpResponse(kaboom, request);
      if (path === '/plain') return new Response('down', { status: 503 });
      if (path === '/thrown') throw new InputError('bad');
      return new Response('ok');
    }, (error) => errors.push(error));
    expect((await fetch(`${url}/answered`)).status).toBe(500);
    expect((await fetch(`${url}/plain`)).status).toBe(503);
    expect((await fetch(`${url}/thrown`)).status).toBe(400);
    expect((await fetch(`${url}/fine`)).status).toBe(200);
    expect(errors[0]).toBe(kaboom);
    expect((errors[1] as Error).message).toBe('the handler answered 503');
    expect((errors[2] as Error).name).toBe('InputError');
    expect(errors).toHaveLength(3);
  });

  it('answers a body it refuses or stops reading, then serves the next request of the same client', async () => {
    const url = await serve(async (request) => Response.json(await readJsonBody(request, { maxBytes: 1024 })));
    const big = JSON.stringify({ x: 'x'.repeat(4 * 1024 * 1024) });
    const declared = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(declared.status).toBe(413);
    const streamed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const unread = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: big });
    expect(unread.status).toBe(415);
    // Before: the refused upload stalled its keep-alive connection and this request never got an answer.
    const next = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await next.json()).toEqual({ a: 1 });
  });
});
