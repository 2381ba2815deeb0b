// docs/getting-started.md "Mounting in Express, Fastify, Hono" (Hono), run from an npm project
// that installed the packed tarballs: portal.fetch in a Hono app served by @hono/node-server.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { catalogPlugin } from '@portalkit/catalog';
import { catalogEntityPermissionRules } from '@portalkit/catalog-model';
import {
  createLogger,
  createPolicy,
  createPortal,
  createPortalAuth,
  createRouter,
  createStaticTokenIdentifier,
} from '@portalkit/core';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const token = 'sample-writer-token-4f9a2c7d1e';
mkdirSync('.portalkit', { recursive: true });
writeFileSync(
  '.portalkit/hono.yaml',
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: from-hono\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-hello\n',
);
const logger = createLogger({ level: 'error', sink: () => {} });
const failures = [];
const portal = createPortal({
  logger,
  onError: (error) => failures.push(error),
  auth: createPortalAuth({
    logger,
    identify: createStaticTokenIdentifier({ tokens: [{ token, subject: 'writer' }] }),
    policy: createPolicy({
      rules: [catalogEntityPermissionRules],
      statements: [
        { permission: ['catalog.location.create', 'catalog.entity.create'], principals: { types: ['service'] }, decision: 'allow' },
        { permission: 'catalog.location.create', decision: 'deny' },
      ],
      default: 'allow',
    }),
  }),
  plugins: [
    catalogPlugin({ rootDir: process.cwd(), locations: [{ type: 'file', target: './catalog-info.yaml' }] }),
    { id: 'boom', handler: createRouter({ basePath: '/api/boom' }).get('/', () => { throw new Error('kaboom'); }).handler },
  ],
});
await portal.start();

// --- as in the guide
const app = new Hono();
app.all('/api/*', (c) => portal.fetch(c.req.raw));
// or: app.mount('/api', portal.fetch, { replaceRequest: false });
// ---

const mounted = new Hono().mount('/api', portal.fetch, { replaceRequest: false });
const servers = [];
const listen = (fetch) =>
  new Promise((resolve) => {
    servers.push(serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`)));
  });
const base = await listen(app.fetch);
const viaMount = await listen(mounted.fetch);
const post = (path, body, headers = {}) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
try {
  for (const url of [base, viaMount]) {
    const entities = await fetch(`${url}/api/catalog/entities?filter=kind=component`);
    assert.equal(entities.status, 200);
    assert.deepEqual((await entities.json()).map((e) => e.metadata.name), ['hello-service']);
  }

  const location = JSON.stringify({ type: 'file', target: './.portalkit/hono.yaml' });
  const created = await post('/api/catalog/locations', location, { authorization: `Bearer ${token}` });
  assert.equal(created.status, 201);
  assert.ok((await created.json()).entities.some((e) => e.metadata.name === 'from-hono'));

  const denied = await post('/api/catalog/locations', location);
  assert.equal(denied.status, 403);
  assert.equal((await denied.json()).error.name, 'NotAllowedError');

  const boom = await fetch(`${base}/api/boom`);
  assert.equal(boom.status, 500);
  assert.deepEqual((await boom.json()).error, { name: 'Error', message: 'Internal server error' });
  assert.deepEqual(failures.map((error) => error.message), ['kaboom']);

  const worst = [
    [{ 'content-type': 'application/json' }, JSON.stringify({ target: 'x'.repeat(2 * 1024 * 1024) }), 413, 'PayloadTooLargeError'],
    [{ 'content-type': 'text/plain' }, location, 415, 'UnsupportedMediaTypeError'],
    [{ 'content-type': 'application/json' }, '{"type":', 400, 'InputError'],
    [{ 'content-type': 'application/json' }, '', 400, 'InputError'],
  ];
  for (const [headers, body, status, name] of worst) {
    const res = await fetch(`${base}/api/catalog/locations`, { method: 'POST', headers, body });
    assert.deepEqual([res.status, (await res.json()).error.name], [status, name]);
  }
  console.log('hono: app.all and mount(replaceRequest: false); 200, 201, 403, 500 reported, 413, 415, 400, 400');
} finally {
  for (const server of servers) {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
  await portal.stop();
}
