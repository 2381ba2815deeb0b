// docs/getting-started.md as written, run from an npm project that installed the packed
// tarballs: "A catalog in five lines", then "Catalog, scaffolder and TechDocs in one portal",
// then requests through portal.request. Only file paths are adapted (the project directory is
// the working directory; the fixtures are catalog-info.yaml, mkdocs.yml and docs/).
import assert from 'node:assert/strict';
import path from 'node:path';
import { CATALOG_FILTER_EXISTS, catalogPlugin, createCatalog } from '@portalkit/catalog';
import { createLogger, createPortal } from '@portalkit/core';
import { builtinActions, createScaffolder, scaffolderPlugin } from '@portalkit/scaffolder';
import { localPublisher, techdocsPlugin } from '@portalkit/techdocs';

// --- A catalog in five lines
{
  const catalog = createCatalog({
    rootDir: process.cwd(), // file locations are read below this directory, never outside it
    locations: [{ type: 'file', target: './catalog-info.yaml' }],
  });
  await catalog.refresh(); // read, process and store everything once

  const { items } = await catalog.query({ filter: { kind: 'component', 'spec.type': 'service' } });
  console.log(items.map((entity) => entity.metadata.name));

  for (const problem of await catalog.getProcessingErrors()) {
    console.warn(problem.entityRef, problem.errors.map((e) => e.message));
  }
  assert.deepEqual(
    items.map((entity) => entity.metadata.name),
    ['hello-service'],
  );
  assert.deepEqual(await catalog.getProcessingErrors(), []);
}

// --- Catalog, scaffolder and TechDocs in one portal
const root = process.cwd();
const logger = createLogger({ level: 'warn' }); // the guide says 'info'; quieter in CI

const catalog = createCatalog({
  rootDir: root,
  locations: [{ type: 'file', target: './catalog-info.yaml' }],
  logger: logger.child({ plugin: 'catalog' }),
});

const scaffolder = createScaffolder({
  actions: builtinActions({ catalog }), // fetch:*, fs:*, debug:log, catalog:*, publish:git
  workingDirectory: path.join(root, '.portalkit', 'tasks'),
});

const techdocs = techdocsPlugin({
  publisher: localPublisher({ root: path.join(root, '.portalkit', 'techdocs') }),
  getEntity: (name) => catalog.getEntityByRef(name),
  root,
});

const portal = createPortal({
  plugins: [
    catalogPlugin({ catalog }),
    scaffolderPlugin({ scaffolder, getTemplate: (ref) => catalog.getEntityByRef(ref) }),
    techdocs,
  ],
  logger,
});

await portal.start(); // first catalog refresh, scaffolder worker
try {
  // Build the docs of every documented entity, as the guide does.
  const documented = await catalog.getEntities({
    filter: { 'metadata.annotations.backstage.io/techdocs-ref': CATALOG_FILTER_EXISTS },
  });
  assert.equal(documented.items.length, 1);
  for (const entity of documented.items) await techdocs.techdocs.sync(entity);

  // The catalog REST API.
  const entity = await portal.request('/api/catalog/entities/by-name/component/default/hello-service');
  assert.equal(entity.status, 200, await entity.clone().text());
  assert.equal((await entity.json()).spec.owner, 'group:default/team-hello');

  // The scaffolder: its actions, then a task from the template in the catalog.
  const actions = await (await portal.request('/api/scaffolder/v2/actions')).json();
  assert.ok(actions.some((action) => action.id === 'debug:log'), 'debug:log is listed');
  const created = await portal.request('/api/scaffolder/v2/tasks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ templateRef: 'template:default/say-hello', values: { name: 'npm' } }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = await created.json();
  let task;
  for (let attempt = 0; attempt < 200; attempt++) {
    task = await (await portal.request(`/api/scaffolder/v2/tasks/${id}`)).json();
    if (task.status !== 'open' && task.status !== 'processing') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(task.status, 'completed', JSON.stringify(task));

  // TechDocs: the page built from docs/index.md.
  const page = await portal.request('/api/techdocs/static/docs/default/component/hello-service/');
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Installed from packed tarballs with plain npm/);

  // An unknown route is a 404, not a 500.
  assert.equal((await portal.request('/api/catalog/entities/by-name/component/default/ghost')).status, 404);
} finally {
  await portal.stop();
}
console.log('getting-started.mjs: catalog, scaffolder and TechDocs answered through portal.request');
