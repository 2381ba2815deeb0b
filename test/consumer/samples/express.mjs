// docs/getting-started.md "Mounting in Express, Fastify, Hono" (Express), run from an npm project
// that installed the packed tarballs: the portal behind app.use('/api', ...) after a global
// express.json(), with a policy that lets only a service token register locations.
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
  toNodeHandler,
} from '@portalkit/core';
import express from 'express';

const token = 'sample-writer-token-4f9a2c7d1e';
mkdirSync('.portalkit', { recursive: true });
writeFileSync(
  '.portalkit/express.yaml',
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: from-express\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-hello\n',
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
const app = express();
app.use(express.json());
app.use('/api', toNodeHandler(portal.fetch, { onError: (error) => failures.push(error) }));
// ---

const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const post = (path, body, headers = {}) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
try {
  const entities = await fetch(`${base}/api/catalog/entities?filter=kind=component`);
  assert.equal(entities.status, 200);
  assert.deepEqual((await entities.json()).map((e) => e.metadata.name), ['hello-service']);

  const location = JSON.stringify({ type: 'file', target: './.portalkit/express.yaml' });
  const created = await post('/api/catalog/locations', location, { authorization: `Bearer ${token}` });
  assert.equal(created.status, 201);
  assert.ok((await created.json()).entities.some((e) => e.metadata.name === 'from-express'));

  const denied = await post('/api/catalog/locations', location);
  assert.equal(denied.status, 403);
  assert.equal((await denied.json()).error.name, 'NotAllowedError');

  const boom = await fetch(`${base}/api/boom`);
  assert.equal(boom.status, 500);
  assert.deepEqual((await boom.json()).error, { name: 'Error', message: 'Internal server error' });
  assert.deepEqual(failures.map((error) => error.message), ['kaboom']);

  const wrongType = await fetch(`${base}/api/catalog/locations`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: location });
  assert.equal(wrongType.status, 415);
  assert.equal((await wrongType.json()).error.name, 'UnsupportedMediaTypeError');
  const badShape = await post('/api/catalog/locations', '{"type":1}');
  assert.equal(badShape.status, 400);
  assert.equal((await badShape.json()).error.name, 'InputError');
  // express.json() answers invalid JSON and bodies over its 100 kB limit itself, before the portal.
  assert.equal((await post('/api/catalog/locations', '{"type":')).status, 400);
  assert.equal((await post('/api/catalog/locations', JSON.stringify({ target: 'x'.repeat(200_000) }))).status, 413);

  // A middleware that read the body and kept nothing: the answer names the cause.
  const drained = express();
  drained.use((req, _res, next) => req.resume().on('end', () => next()));
  drained.use('/api', toNodeHandler(portal.fetch, { onError: (error) => failures.push(error) }));
  const other = drained.listen(0, '127.0.0.1');
  await new Promise((resolve) => other.once('listening', resolve));
  const consumed = await fetch(`http://127.0.0.1:${other.address().port}/api/catalog/locations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: location,
  });
  other.close();
  assert.equal(consumed.status, 500);
  const { error } = await consumed.json();
  assert.equal(error.name, 'RequestBodyUnavailableError');
  assert.match(error.message, /already read by another middleware/);
  assert.equal(failures.at(-1).name, 'RequestBodyUnavailableError');
  console.log('express: mounted at /api after express.json(); 200, 201, 403, 500 reported, 415, 400, 413');
} finally {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await portal.stop();
}
