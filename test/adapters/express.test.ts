import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { toNodeHandler } from '@portalkit/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedPortal, type EmbedPortal, WRITER_TOKEN } from './embed-portal.js';

let embed: EmbedPortal;
const servers: Server[] = [];

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let base: string;
beforeAll(async () => {
  embed = await createEmbedPortal();
  // The usual Express app: a global JSON parser (with a limit above the portal's 1 MiB), then the portal.
  const app = express();
  app.use(express.json({ limit: '10mb' }));
  // Express's other parsers, in front of a route of the portal that echoes what it receives.
  app.post('/api/echo', express.text(), express.raw(), express.urlencoded({ extended: false }), toNodeHandler(embed.portal.fetch));
  app.use('/api', toNodeHandler(embed.portal.fetch, { onError: embed.onError }));
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  base = await listen(app);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await embed.close();
});

const postJson = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe("Express: app.use('/api', toNodeHandler(portal.fetch)) after express.json()", () => {
  it('serves the full path below the mount point', async () => {
    const res = await fetch(`${base}/api/catalog/entities?filter=kind=component`);
    expect(res.status).toBe(200);
    expect((await res.json()).map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['storefront']);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true });
  });

  it('registers a location from a JSON body express.json() already parsed', async () => {
    const res = await postJson(`${base}/api/catalog/locations`, JSON.stringify({ type: 'file', target: './more.yaml' }), {
      authorization: `Bearer ${WRITER_TOKEN}`,
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.location.target).toMatch(/more\.yaml$/);
    const components = body.entities.filter((e: { kind: string }) => e.kind === 'Component');
    expect(components.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['orders']);
  });

  it('keeps a policy denial a 403 (the parsed body reaches the policy check)', async () => {
    const res = await postJson(`${base}/api/catalog/locations`, JSON.stringify({ type: 'file', target: './more.yaml' }));
    expect(res.status).toBe(403);
    expect((await res.json()).error.name).toBe('NotAllowedError');
  });

  it('answers a thrown route error with a 500 JSON body and reports the error to both onError hooks', async () => {
    const before = embed.adapterErrors.length;
    const res = await fetch(`${base}/api/boom`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await res.json()).error).toEqual({ name: 'Error', message: 'Internal server error' });
    const reported = embed.adapterErrors.slice(before);
    expect(reported).toHaveLength(1);
    expect((reported[0] as Error).message).toBe('kaboom');
    expect(embed.portalErrors.some((error) => (error as Error).message === 'kaboom')).toBe(true);
  });

  it('passes parsed bodies on intact: JSON, text, raw bytes and flat forms', async () => {
    const json = { name: 'ü', list: [1, null, { deep: true }] };
    const echoed = await (await postJson(`${base}/api/echo`, `  ${JSON.stringify(json)}  `)).json();
    expect(JSON.parse(echoed.text)).toEqual(json);
    expect(echoed.contentType).toBe('application/json');
    expect(Number(echoed.contentLength)).toBe(Buffer.byteLength(echoed.text));

    const text = await fetch(`${base}/api/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'héllo' });
    expect(await text.json()).toMatchObject({ text: 'héllo', contentType: 'text/plain' });
    const raw = await fetch(`${base}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'bytes\u0000here',
    });
    expect((await raw.json()).text).toBe('bytes\u0000here');
    const form = await fetch(`${base}/api/echo`, { method: 'POST', body: new URLSearchParams([['a', '1'], ['a', '2'], ['b', 'x y']]) });
    expect(new URLSearchParams((await form.json()).text).getAll('a')).toEqual(['1', '2']);
  });

  it('gives typed 4xx answers to the worst bodies', async () => {
    const huge = await postJson(`${base}/api/catalog/locations`, JSON.stringify({ type: 'file', target: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.name).toBe('PayloadTooLargeError');

    // express.json() skips other types, so the portal reads the stream itself and refuses it.
    const wrongType = await fetch(`${base}/api/catalog/locations`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(wrongType.status).toBe(415);
    expect((await wrongType.json()).error.name).toBe('UnsupportedMediaTypeError');

    // A body the portal parses itself: JSON it refuses, typed.
    const badShape = await postJson(`${base}/api/catalog/locations`, JSON.stringify({ __proto__: null, type: 1 }));
    expect(badShape.status).toBe(400);
    expect((await badShape.json()).error.name).toBe('InputError');

    // Invalid JSON never reaches the portal: express.json() answers it (Express's own 400).
    const invalid = await postJson(`${base}/api/catalog/locations`, '{"type":');
    expect(invalid.status).toBe(400);
  });

  it('names the cause when a middleware consumed the body and left no req.body', async () => {
    const errors: unknown[] = [];
    const app = express();
    app.use((req, _res, next) => {
      req.resume();
      req.on('end', () => next());
    });
    app.use('/api', toNodeHandler(embed.portal.fetch, { onError: (error) => errors.push(error) }));
    const url = await listen(app);
    const res = await postJson(`${url}/api/catalog/locations`, JSON.stringify({ type: 'file', target: './more.yaml' }));
    expect(res.status).toBe(500);
    const { error } = await res.json();
    expect(error.name).toBe('RequestBodyUnavailableError');
    expect(error.message).toMatch(/already read by another middleware \(express\.json\?\)/);
    expect(errors.map((e) => (e as Error).name)).toEqual(['RequestBodyUnavailableError']);
  });
});
