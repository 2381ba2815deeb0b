import { createEventBus, createLogger, memorySink } from '@portalkit/core';
import type { CatalogEntityDeletedEvent, CatalogEntityUpsertedEvent, CatalogEvents, Entity } from '@portalkit/catalog-model';
import type { TechDocsEvents } from '@portalkit/techdocs';
import type { Pool } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogCollator } from './collators/catalog.js';
import type { Collator } from './collators/types.js';
import type { SearchableEntity } from './collators/entity.js';
import { techdocsCollator } from './collators/techdocs.js';
import type { TechDocsSite } from './collators/techdocs.js';
import { memoryEngine } from './engines/memory/index.js';
import { postgresEngine } from './engines/postgres/index.js';
import { connectTestPool, randomSchema } from '../../../test/support/postgres.js';
import type { SearchEngine } from './engines/types.js';
import { createSearch } from './create-search.js';

const entity = (name: string, description = '', spec: Record<string, unknown> = {}): SearchableEntity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, description },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production', ...spec },
});

// A tiny built site: the HTML pages and the MkDocs search index made from them.
const fooPages: Record<string, string> = {
  'index.html': '<h1 id="foo">Foo</h1><p>Welcome to foo.</p>',
  'guide/index.html': '<h1 id="guide">Guide</h1><h2 id="deploy">Deploy</h2><p>Deploy with the pipeline.</p><h2 id="rollback">Rollback</h2><p>Revert the release.</p>',
};
const fooSite: TechDocsSite = {
  entityRef: 'component:default/foo',
  searchIndex: {
    config: {},
    docs: [
      { location: '', title: 'Foo', text: 'Welcome to foo.' },
      { location: '#foo', title: 'Foo', text: 'Welcome to foo.' },
      { location: 'guide/', title: 'Guide', text: 'Deploy with the pipeline. Revert the release.' },
      { location: 'guide/#deploy', title: 'Deploy', text: 'Deploy with the pipeline.' },
      { location: 'guide/#rollback', title: 'Rollback', text: 'Revert the release.' },
    ],
  },
};

type Topics = CatalogEvents & TechDocsEvents;

// Payloads in the producers' shapes (the wiring tests in test/wiring publish through the real catalog).
const upserted = (e: SearchableEntity, entityRef = `component:default/${e.metadata.name}`): CatalogEntityUpsertedEvent => ({
  entityRef,
  entityId: `uid-${e.metadata.name}`,
  entity: e as Entity,
});
const deleted = (entityRef: string): CatalogEntityDeletedEvent => {
  const name = entityRef.slice(entityRef.indexOf('/') + 1).toLowerCase();
  return { entityRef, entityId: `uid-${name}`, entity: entity(name) as Entity };
};

function setup(engine: SearchEngine, entities: SearchableEntity[] = [entity('foo', 'The foo service'), entity('bar', 'The bar service')]) {
  const events = createEventBus<Topics>();
  const sink = memorySink();
  const store = { entities: [...entities], sites: [fooSite] };
  let getEntitiesCalls = 0;
  const search = createSearch({
    engine,
    events,
    logger: createLogger({ sink, level: 'debug' }),
    collators: [
      catalogCollator({
        getEntities: async () => {
          getEntitiesCalls++;
          return store.entities;
        },
      }),
      techdocsCollator({ sites: () => store.sites }),
    ],
  });
  return { search, events, store, sink, calls: () => getEntitiesCalls };
}

const locations = (page: { results: Array<{ document: { location: string } }> }) => page.results.map((r) => r.document.location).sort();

const pg = await connectTestPool();
const engines: Array<[string, () => SearchEngine]> = [['memory', () => memoryEngine()]];
const schemas: string[] = [];
if ('pool' in pg) {
  const pool: Pool = pg.pool;
  engines.push([
    'postgres',
    () => {
      const schema = randomSchema();
      schemas.push(schema);
      return postgresEngine({ pool, schema });
    },
  ]);
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
} else {
  it.skip(`createSearch on postgres: ${pg.skip}`, () => {});
}

describe.each(engines)('createSearch on %s', (_name, makeEngine) => {
  it('indexes catalog and docs on start; docs hits point at section anchors that exist', async () => {
    const { search } = setup(makeEngine());
    await search.start();
    const catalogHits = await search.query({ term: 'foo', types: ['software-catalog'] });
    expect(locations(catalogHits)).toEqual(['/catalog/default/component/foo']);
    const docsHits = await search.query({ term: 'deploy', types: ['techdocs'] });
    expect(locations(docsHits)).toEqual(['/docs/default/component/foo/guide/#deploy']);
    for (const hit of (await search.query({ term: '', types: ['techdocs'] })).results) {
      const [page, anchor] = hit.document.location.replace('/docs/default/component/foo/', '').split('#');
      const html = fooPages[`${page}index.html`];
      expect(html, hit.document.location).toBeDefined();
      if (anchor) expect(html).toContain(`id="${anchor}"`);
    }
    await search.stop();
  });

  it('applies catalog events to the affected documents only, without a rebuild', async () => {
    const { search, events, calls } = setup(makeEngine());
    await search.start();
    expect((await search.query({ term: '"the foo service"' })).numberOfResults).toBe(1);
    await events.publish('catalog.entity.upserted', upserted(entity('foo', 'Now handles invoices')));
    await events.publish('catalog.entity.upserted', upserted(entity('baz', 'Brand new')));
    expect(calls()).toBe(1);
    expect(locations(await search.query({ term: 'invoices' }))).toEqual(['/catalog/default/component/foo']);
    expect((await search.query({ term: '"the foo service"' })).numberOfResults).toBe(0);
    expect(locations(await search.query({ term: 'brand' }))).toEqual(['/catalog/default/component/baz']);
    expect(locations(await search.query({ term: 'bar' }))).toEqual(['/catalog/default/component/bar']);
    await search.stop();
  });

  it('returns no results for a deleted entity, neither its catalog page nor its docs', async () => {
    const { search, events } = setup(makeEngine());
    await search.start();
    expect((await search.query({ term: 'foo' })).numberOfResults).toBeGreaterThan(1);
    await events.publish('catalog.entity.deleted', deleted('Component:default/FOO'));
    expect(await search.query({ term: 'foo' })).toEqual({ results: [], numberOfResults: 0 });
    expect(await search.query({ term: 'deploy' })).toEqual({ results: [], numberOfResults: 0 });
    expect(locations(await search.query({ term: 'bar' }))).toEqual(['/catalog/default/component/bar']);
    await search.stop();
  });

  it('replaces a docs site on a build event, so removed pages disappear', async () => {
    const { search, events } = setup(makeEngine());
    await search.start();
    await events.publish('techdocs.site.built', {
      entityRef: 'component:default/foo',
      searchIndex: { docs: [{ location: 'guide/#deploy', title: 'Deploy', text: 'Deploy with Argo.' }] },
    });
    expect(await search.query({ term: 'rollback' })).toEqual({ results: [], numberOfResults: 0 });
    expect(locations(await search.query({ term: 'argo' }))).toEqual(['/docs/default/component/foo/guide/#deploy']);
    await search.stop();
  });

  it('does not bring back an entity deleted while a rebuild was collecting', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const events = createEventBus<Topics>();
    const search = createSearch({
      engine: makeEngine(),
      events,
      rebuildOnStart: false,
      collators: [
        catalogCollator({
          async *getEntities() {
            yield entity('foo');
            await gate;
            yield entity('bar');
          },
        }),
      ],
    });
    await search.start();
    const rebuilding = search.rebuild();
    await new Promise((r) => setTimeout(r, 10));
    await events.publish('catalog.entity.deleted', deleted('component:default/foo'));
    release();
    const [result] = await rebuilding;
    expect(result).toMatchObject({ type: 'software-catalog', ok: true, documents: 2 });
    expect(locations(await search.query({ term: '' }))).toEqual(['/catalog/default/component/bar']);
    await search.stop();
  });

  it('keeps the previous documents when a collator fails, and skips events it cannot read', async () => {
    const { search, events, store, sink } = setup(makeEngine());
    await search.start();
    store.sites = [{ entityRef: 'broken', searchIndex: { docs: [] } }, fooSite];
    store.entities = {
      [Symbol.asyncIterator]() {
        throw new Error('catalog unavailable');
      },
    } as unknown as SearchableEntity[];
    const results = await search.rebuild();
    expect(results).toEqual([
      { type: 'software-catalog', ok: false, errors: [expect.objectContaining({ message: 'catalog unavailable' })] },
      { type: 'techdocs', ok: true, documents: 3, errors: [expect.objectContaining({ name: 'InputError' })] },
    ]);
    expect(locations(await search.query({ term: 'bar' }))).toEqual(['/catalog/default/component/bar']);
    await events.publish('catalog.entity.upserted', { entityRef: 'x', entity: { kind: 'nope' } } as never);
    expect(sink.records.some((r) => r.level === 'warn' && r.message.includes('could not read'))).toBe(true);
    await expect(search.rebuild(['nope'])).rejects.toMatchObject({ name: 'InputError' });
    await search.stop();
  });
});

describe('createSearch', () => {
  it('stops listening on stop()', async () => {
    const engine = memoryEngine();
    const events = createEventBus<Topics>();
    const search = createSearch({ engine: { ...engine, close: async () => {} }, events, collators: [catalogCollator({ getEntities: () => [] })] });
    await search.start();
    await search.stop();
    await events.publish('catalog.entity.upserted', upserted(entity('foo')));
    expect((await engine.query({ term: 'foo' })).numberOfResults).toBe(0);
  });

  it('indexes a host-written collator beside the built-ins, updates it from its own topic and serves its type', async () => {
    type AdrTopics = Topics & { 'adr.changed': { id: string; title?: string; text?: string } };
    const events = createEventBus<AdrTopics>();
    const adrs = [{ id: '1', title: 'Use PostgreSQL', text: 'We store tasks in PostgreSQL.' }];
    const adrCollator: Collator = {
      type: 'adr',
      async *collect() {
        for (const adr of adrs) yield { type: 'adr', title: adr.title, text: adr.text, location: `/adr/${adr.id}`, status: 'accepted' };
      },
      topics: ['adr.changed'],
      update(_topic, payload) {
        const { id, title, text } = payload as AdrTopics['adr.changed'];
        if (title === undefined) return { remove: [`/adr/${id}`] };
        return { upsert: [{ type: 'adr', title, text: text ?? '', location: `/adr/${id}`, status: 'proposed' }] };
      },
    };
    const search = createSearch({ events, collators: [catalogCollator({ getEntities: () => [entity('foo', 'The foo service')] }), adrCollator] });
    await search.start();
    const handler = search.handler({ basePath: '/api/search' });
    const get = async (query: string) => (await handler(new Request(`http://portal.test/api/search/query?${query}`))).json() as Promise<{ results: Array<{ type: string; document: { location: string } }>; numberOfResults: number }>;

    expect((await get('term=postgresql&types[0]=adr')).results.map((r) => r.document.location)).toEqual(['/adr/1']);
    await events.publish('adr.changed', { id: '2', title: 'Adopt MiniSearch', text: 'In-memory search.' });
    expect((await get('term=minisearch&filters[status]=proposed')).results.map((r) => [r.type, r.document.location])).toEqual([['adr', '/adr/2']]);
    await events.publish('adr.changed', { id: '1' });
    expect((await get('term=postgresql')).numberOfResults).toBe(0);
    expect((await get('term=foo')).results.map((r) => r.type)).toEqual(['software-catalog']);
    expect((await handler(new Request('http://portal.test/api/search/query?types[0]=nope'))).status).toBe(400);
    await search.stop();
  });

  it('rejects duplicate collator types at creation', () => {
    const c = catalogCollator({ getEntities: () => [] });
    expect(() => createSearch({ collators: [c, c] })).toThrow(/createSearch: two collators have type 'software-catalog'/);
  });
});
