import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedPortal, type EmbedPortal, WRITER_TOKEN } from './embed-portal.js';

let embed: EmbedPortal;
const servers: ServerType[] = [];

async function listen(app: Hono): Promise<string> {
  const address = await new Promise<AddressInfo>((resolve) => {
    servers.push(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve));
  });
  return `http://127.0.0.1:${address.port}`;
}

let base: string;
let mounted: string;
let stripped: string;
beforeAll(async () => {
  embed = await createEmbedPortal();
  const app = new Hono();
  app.all('/api/*', (c) => embed.portal.fetch(c.req.raw));
  app.get('/', (c) => c.text('home'));
  base = await listen(app);
  // mount() strips its path from the request unless told not to; the portal needs the full path.
  mounted = await listen(new Hono().mount('/api', embed.portal.fetch, { replaceRequest: false }));
  stripped = await listen(new Hono().mount('/api', embed.portal.fetch));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await embed.close();
});

const postJson = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe("Hono with @hono/node-server: app.all('/api/*', (c) => portal.fetch(c.req.raw))", () => {
  it('serves the portal next to the app, and mount() only with replaceRequest: false', async () => {
    for (const url of [base, mounted]) {
      const res = await fetch(`${url}/api/catalog/entities?filter=kind=component`);
      expect(res.status).toBe(200);
      expect((await res.json()).map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['storefront']);
    }
    expect(await (await fetch(`${base}/`)).text()).toBe('home');
    const wrong = await fetch(`${stripped}/api/catalog/entities`);
    expect(wrong.status).toBe(404);
    expect((await wrong.json()).error.message).toBe('nothing is mounted at /catalog/entities');
  });

  it('registers a location from a JSON body', async () => {
    const res = await postJson(`${base}/api/catalog/locations`, JSON.stringify({ type: 'file', target: './more.yaml' }), {
      authorization: `Bearer ${WRITER_TOKEN}`,
    });
    expect(res.status).toBe(201);
    const components = (await res.json()).entities.filter((e: { kind: string }) => e.kind === 'Component');
    expect(components.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['orders']);
  });

  it('keeps a policy denial a 403', async () => {
    const res = await postJson(`${base}/api/catalog/locations`, JSON.stringify({ type: 'file', target: './more.yaml' }));
    expect(res.status).toBe(403);
    expect((await res.json()).error.name).toBe('NotAllowedError');
  });

  it("answers a thrown route error with a 500 JSON body and reports it to the portal's onError", async () => {
    const before = embed.portalErrors.length;
    const res = await fetch(`${base}/api/boom`);
    expect(res.status).toBe(500);
    expect((await res.json()).error).toEqual({ name: 'Error', message: 'Internal server error' });
    expect(embed.portalErrors.slice(before).map((error) => (error as Error).message)).toEqual(['kaboom']);
  });

  it('gives typed 4xx answers to the worst bodies, and keeps serving', async () => {
    const cases: Array<[RequestInit, number, string]> = [
      [{ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target: 'x'.repeat(2 * 1024 * 1024) }) }, 413, 'PayloadTooLargeError'],
      [{ headers: { 'content-type': 'text/plain' }, body: '{}' }, 415, 'UnsupportedMediaTypeError'],
      [{ headers: { 'content-type': 'application/json' }, body: '{"type":' }, 400, 'InputError'],
      [{ headers: { 'content-type': 'application/json' }, body: '' }, 400, 'InputError'],
    ];
    for (const [init, status, name] of cases) {
      const res = await fetch(`${base}/api/catalog/locations`, { method: 'POST', ...init });
      expect([res.status, (await res.json()).error.name]).toEqual([status, name]);
    }
    expect((await fetch(`${base}/api/catalog/entities`)).status).toBe(200);
  });
});
