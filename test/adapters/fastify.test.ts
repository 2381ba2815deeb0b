import { toFastifyPlugin } from '@portalkit/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedPortal, type EmbedPortal, WRITER_TOKEN } from './embed-portal.js';

let embed: EmbedPortal;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  embed = await createEmbedPortal();
  app = Fastify();
  await app.register(toFastifyPlugin(embed.portal.fetch, { onError: embed.onError }), { prefix: '/api' });
  // The app's own route keeps Fastify's JSON parser: the plugin's parser change stays inside it.
  app.post('/echo', async (request) => ({ parsed: request.body }));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await embed.close();
});

const postJson = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe("Fastify: app.register(toFastifyPlugin(portal.fetch), { prefix: '/api' })", () => {
  it('serves the full path under the prefix, and leaves the rest of the app alone', async () => {
    const res = await fetch(`${base}/api/catalog/entities?filter=kind=component`);
    expect(res.status).toBe(200);
    expect((await res.json()).map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['storefront']);
    const missing = await fetch(`${base}/api`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.name).toBe('NotFoundError');
    expect(await (await postJson(`${base}/echo`, '{"a":1}')).json()).toEqual({ parsed: { a: 1 } });
  });

  it('registers a location from a JSON body', async () => {
    const res = await postJson(`${base}/api/catalog/locations`, JSON.stringify({ type: 'file', target: './more.yaml' }), {
      authorization: `Bearer ${WRITER_TOKEN}`,
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    const components = body.entities.filter((e: { kind: string }) => e.kind === 'Component');
    expect(components.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['orders']);
  });

  it('keeps a policy denial a 403', async () => {
    const res = await postJson(`${base}/api/catalog/locations`, JSON.stringify({ type: 'file', target: './more.yaml' }));
    expect(res.status).toBe(403);
    expect((await res.json()).error.name).toBe('NotAllowedError');
  });

  it('answers a thrown route error with a 500 JSON body and reports the error to onError', async () => {
    const before = embed.adapterErrors.length;
    const res = await fetch(`${base}/api/boom`);
    expect(res.status).toBe(500);
    expect((await res.json()).error).toEqual({ name: 'Error', message: 'Internal server error' });
    expect(embed.adapterErrors.slice(before).map((error) => (error as Error).message)).toEqual(['kaboom']);
  });

  it('hands the client its exact body bytes', async () => {
    const text = ' {"b": [1, 2]} ';
    const echoed = await (await postJson(`${base}/api/echo`, text)).json();
    expect(echoed).toMatchObject({ text, contentType: 'application/json' });
    const form = await fetch(`${base}/api/echo`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    expect((await form.json()).text).toBe('a=1');
  });

  it('gives typed 4xx answers to the worst bodies', async () => {
    const cases: Array<[RequestInit, number, string]> = [
      [{ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target: 'x'.repeat(2 * 1024 * 1024) }) }, 413, 'PayloadTooLargeError'],
      [{ headers: { 'content-type': 'text/plain' }, body: '{}' }, 415, 'UnsupportedMediaTypeError'],
      [{ body: new Uint8Array([123, 125]) }, 415, 'UnsupportedMediaTypeError'],
      [{ headers: { 'content-type': 'application/json' }, body: '{"type":' }, 400, 'InputError'],
      [{ headers: { 'content-type': 'application/json' }, body: '' }, 400, 'InputError'],
    ];
    for (const [init, status, name] of cases) {
      const res = await fetch(`${base}/api/catalog/locations`, { method: 'POST', ...init });
      expect([res.status, (await res.json()).error.name]).toEqual([status, name]);
    }
  });
});
