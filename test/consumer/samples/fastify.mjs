// docs/getting-started.md "Mounting in Express, Fastify, Hono" (Fastify), run from an npm project
// that installed the packed tarballs: the portal registered under the /api prefix with Fastify's
// default JSON parser left on for the rest of the app.
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
  toFastifyPlugin,
} from '@portalkit/core';
import Fastify from 'fastify';

const token = 'sample-writer-token-4f9a2c7d1e';
mkdirSync('.portalkit', { recursive: true });
writeFileSync(
  '.portalkit/fastify.yaml',
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: from-fastify\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-hello\n',
);
const logger = createLogger({ level: 'error', sink: () => {} });
const failures = [];
const portal = createPortal({
  logger,
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
const app = Fastify();
await app.register(toFastifyPlugin(portal.fetch, { onError: (error) => failures.push(error) }), { prefix: '/api' });
// ---
app.post('/echo', async (request) => ({ parsed: request.body }));

const base = await app.listen({ port: 0, host: '127.0.0.1' });
const post = (path, body, headers = {}) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
try {
  const entities = await fetch(`${base}/api/catalog/entities?filter=kind=component`);
  assert.equal(entities.status, 200);
  assert.deepEqual((await entities.json()).map((e) => e.metadata.name), ['hello-service']);
  assert.deepEqual(await (await post('/echo', '{"a":1}')).json(), { parsed: { a: 1 } });

  const location = JSON.stringify({ type: 'file', target: './.portalkit/fastify.yaml' });
  const created = await post('/api/catalog/locations', location, { authorization: `Bearer ${token}` });
  assert.equal(created.status, 201);
  assert.ok((await created.json()).entities.some((e) => e.metadata.name === 'from-fastify'));

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
  assert.equal((await fetch(`${base}/api/catalog/entities`)).status, 200);
  console.log('fastify: registered under /api; 200, 201, 403, 500 reported, 413, 415, 400, 400');
} finally {
  await app.close();
  await portal.stop();
}
