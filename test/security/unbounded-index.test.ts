import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCatalog, memoryStore, type CatalogStore } from '@portalkit/catalog';
import { memoryEngine, postgresEngine, siteToDocuments, type SearchEngine } from '@portalkit/search';
import { builtinActions, createScaffolder, postgresTaskStore } from '@portalkit/scaffolder';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pgliteStore } from '../../packages/catalog/src/stores/pglite/index.js';
import { postgresStore } from '../../packages/catalog/src/stores/postgres/index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

/*
 * A btree row holds at most ~2.7 kB, and PostgreSQL refuses the whole statement when one row
 * is longer. Catalog YAML authors, HTTP clients and docs authors choose text that ends up in
 * store indexes (location targets, refs, search locations, words). No such text, however
 * long, may stop a store or fail its neighbours: it is indexed by a fixed-size hash, or
 * refused alone with a typed error, the same on memory, PGlite and PostgreSQL.
 */

const skipPg = await postgresSkipReason();

// Incompressible: PostgreSQL compresses long index values, so repeated letters would fit.
const random = (length: number) => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
};
const randomLetters = (length: number) => [...randomBytes(length)].map((b) => String.fromCharCode(97 + (b % 26))).join('');

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
let base: string;
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  base = await mkdtemp(path.join(tmpdir(), 'pk-sec-unbounded-'));
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await rm(base, { recursive: true, force: true });
});
beforeEach(() => void (unhandled.length = 0));
afterEach(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  expect(unhandled.map(String)).toEqual([]);
});

const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

const stores: { name: string; skip: string | false; open: () => Promise<{ store: CatalogStore; close: () => Promise<void> }> }[] = [
  { name: 'memory', skip: false, open: async () => ({ store: memoryStore(), close: async () => {} }) },
  {
    name: 'pglite',
    skip: false,
    open: async () => {
      const store = pgliteStore();
      return { store, close: () => store.close() };
    },
  },
  {
    name: 'postgres',
    skip: skipPg,
    open: async () => {
      const schema = randomSchema();
      schemas.push(schema);
      const store = postgresStore({ connectionString: pgUrl, schema });
      return { store, close: () => store.close() };
    },
  },
];

const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name} }
spec: { type: service, lifecycle: production, owner: ${JSON.stringify(owner)} }
`;

describe.each(stores)('catalog on $name: text a catalog author or HTTP client makes long', ({ skip, open }) => {
  it.skipIf(skip)('POST /locations with a 10,000-character target is a typed answer, and the catalog keeps working', async () => {
    const dir = await mkdtemp(path.join(base, 'loc-'));
    await writeFile(path.join(dir, 'ok.yaml'), component('ok', 'team-a'));
    const { store, close } = await open();
    try {
      const catalog = createCatalog({ store, rootDir: dir });
      const handler = catalog.handler();
      const post = (body: unknown) =>
        handler(
          new Request('http://portal.test/api/catalog/locations', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
        );
      const long = await post({ type: 'url', target: `https://example.com/${random(10_000)}.yaml` });
      expect(long.status).toBe(400);
      expect(((await long.json()) as { error: { name: string } }).error.name).toBe('InputError');
      // At the limit, a target is stored (and read, failing alone) like any other.
      const atLimit = await post({ type: 'file', target: `./${random(4_096 - 2)}` });
      expect(atLimit.status).toBe(201);
      const ok = await post({ type: 'file', target: './ok.yaml' });
      expect(ok.status).toBe(201);
      // Moving a location to an overlong target is refused the same way, and changes nothing.
      const { location } = (await ok.json()) as { location: { id: string } };
      const moved = await handler(
        new Request(`http://portal.test/api/catalog/locations/${location.id}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'file', target: `./${random(10_000)}` }),
        }),
      );
      expect(moved.status).toBe(400);
      expect((await catalog.getEntityByRef('component:default/ok'))?.metadata.name).toBe('ok');
      expect((await store.listLocations()).map((l) => l.target.length).sort((a, b) => a - b)).toEqual([
        path.join(dir, 'ok.yaml').length,
        path.join(dir, 'x').length - 1 + 4_096 - 2,
      ]);
    } finally {
      await close();
    }
  });

  it.skipIf(skip)('a Location entity with a 10,000-character target, an owner ref and an entity name fails alone', async () => {
    const dir = await mkdtemp(path.join(base, 'yaml-'));
    const longName = random(10_000);
    await writeFile(
      path.join(dir, 'catalog-info.yaml'),
      `apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: root }
spec:
  targets: [./${random(10_000)}.yaml, ./ok.yaml, ./owner.yaml, ./name.yaml]
`,
    );
    await writeFile(path.join(dir, 'ok.yaml'), component('ok', 'team-a'));
    await writeFile(path.join(dir, 'owner.yaml'), component('long-owner', `group:default/${random(10_000)}`));
    await writeFile(path.join(dir, 'name.yaml'), component(longName, 'team-a'));
    const { store, close } = await open();
    try {
      const catalog = createCatalog({ store, rootDir: dir });
      await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
      expect((await catalog.getEntityByRef('component:default/ok'))?.metadata.name).toBe('ok');
      expect(await catalog.getEntityByRef('component:default/long-owner')).toBeUndefined();
      const root = await store.getRefreshStates({ refs: ['location:default/root'] });
      const rootErrors = root[0]!.errors.map((e) => e.message).join('\n');
      expect(rootErrors).toMatch(/target .*longer than 4096 characters/);
      expect(rootErrors).toMatch(/entity reference: .*longer than 256 characters/);
      const owner = await store.getRefreshStates({ refs: ['component:default/long-owner'] });
      expect(owner[0]!.errors.map((e) => e.message).join('\n')).toMatch(/longer than 256 characters/);
      // The store still takes writes.
      await catalog.refresh();
      expect((await catalog.getEntityByRef('component:default/ok'))?.metadata.name).toBe('ok');
    } finally {
      await close();
    }
  });
});

describe('search on PostgreSQL: docs and documents an author makes long', () => {
  const engines: SearchEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });
  const make = (): { name: string; engine: () => SearchEngine }[] => [
    { name: 'memory', engine: () => memoryEngine() },
    ...(skipPg
      ? []
      : [
          {
            name: 'postgres',
            engine: () => {
              const schema = randomSchema();
              schemas.push(schema);
              return postgresEngine({ connectionString: pgUrl, schema, fuzzy: true });
            },
          },
        ]),
  ];

  it.each(make())('$name: a docs site with a 10,000-character heading and word is indexed with its neighbours', async ({ engine }) => {
    const e = engine();
    engines.push(e);
    const anchor = random(10_000);
    const word = randomLetters(10_000);
    const docs = siteToDocuments({
      entityRef: 'component:default/docs',
      searchIndex: {
        docs: [
          { location: `page/#${anchor}`, title: 'Long heading', text: `needle ${word}` },
          { location: 'page/#short', title: 'Short heading', text: 'needle transactions' },
        ],
      },
    });
    await e.index('techdocs', docs);
    const found = await e.query({ term: 'needle' });
    expect(found.results.map((r) => r.document.title).sort()).toEqual(['Long heading', 'Short heading']);
    expect(found.results.find((r) => r.document.title === 'Long heading')?.document.location).toContain(anchor);
    // Fuzzy matching still works for ordinary words.
    expect((await e.query({ term: 'transactoins' })).results.map((r) => r.document.title)).toEqual(['Short heading']);
    // Re-indexing replaces, removing removes.
    await e.upsert(docs);
    expect((await e.query({ term: 'needle' })).numberOfResults).toBe(2);
    await e.remove('techdocs', [docs.find((d) => d.title === 'Long heading')!.location]);
    expect((await e.query({ term: 'needle' })).results.map((r) => r.document.title)).toEqual(['Short heading']);
  });
});

describe('scaffolder tasks on PostgreSQL: ids no row can have', () => {
  it.skipIf(skipPg)('getTask, events and cancel with a NUL or a lone surrogate in the id answer "not found"', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const store = postgresTaskStore({ connectionString: pgUrl, schema });
    const scaffolder = createScaffolder({ actions: builtinActions(), taskStore: store, workingDirectory: base });
    try {
      for (const id of ['\u0000', 'a\u0000b', '\ud800', 'not-a-uuid', random(10_000)]) {
        expect(await scaffolder.getTask(id)).toBeUndefined();
        expect(await store.listEvents({ taskId: id })).toEqual([]);
        expect(await store.cancel(id)).toBeUndefined();
      }
      expect((await scaffolder.listTasks({ createdBy: 'user:default/\u0000' })).tasks).toEqual([]);
    } finally {
      await scaffolder.stop();
      await store.close?.();
    }
  });
});
