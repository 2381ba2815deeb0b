/*
 * Databases written by the code before @portalkit/sql (each store with its own migration
 * runner and bookkeeping table) are recognised by the shared migrator: nothing is re-applied,
 * the stores read the old rows and keep writing. The fixtures are pg_dumps of schemas that
 * commit ba49445 created (see test/fixtures/legacy-sql/), loaded into PostgreSQL and PGlite.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteStore, postgresStore } from '@portalkit/catalog';
import { pgliteScorecardStore, postgresScorecardStore } from '@portalkit/scorecards';
import { postgresTaskStore } from '@portalkit/scaffolder';
import { postgresEngine } from '@portalkit/search';
import { openPglite, pgliteClient } from '@portalkit/sql';
import type { SqlClient } from '@portalkit/sql';
import { migrate as migrateTasks } from '../../packages/scaffolder/src/tasks/sql/migrations.js';
import { migrate as migrateSearch } from '../../packages/search/src/engines/postgres/migrations.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

const skip = await postgresSkipReason();
type Store = 'catalog' | 'scorecards' | 'scaffolder' | 'search';
const legacyTable: Record<Store, string> = { catalog: 'migrations', scorecards: 'migrations', scaffolder: 'scaffolder_migrations', search: 'schema_migrations' };
const legacyVersions: Record<Store, number[]> = { catalog: [1, 2, 3, 4], scorecards: [1, 2], scaffolder: [1], search: [1, 2, 3] };
/** The versions after a current store opened the schema: the legacy ones kept, later ones applied once. */
const currentVersions: Record<Store, number[]> = { ...legacyVersions, catalog: [1, 2, 3, 4, 5, 6], scaffolder: [1, 2, 3, 4], search: [1, 2, 3, 4, 5, 6] };

/** The fixture's statements with its schema renamed to `schema`. */
const fixture = (store: Store, schema: string) =>
  readFileSync(new URL(`../fixtures/legacy-sql/${store}.sql`, import.meta.url), 'utf8').replaceAll(`pk_legacy_${store}`, schema);

const bookkeeping = async (query: SqlClient['query'], store: Store, schema: string) =>
  (await query<{ version: number; description: string | null }>(`SELECT version, description FROM "${schema}"."${legacyTable[store]}" ORDER BY version`)).rows;

describe.skipIf(skip)(`legacy schemas on PostgreSQL${skip ? ` (${skip})` : ''}`, () => {
  const admin = new pg.Pool({ connectionString: pgUrl, max: 1 });
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
    await admin.end();
  });
  const load = async (store: Store) => {
    const schema = randomSchema();
    schemas.push(schema);
    // One client of its own: the dump's statements run as one simple-protocol batch.
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(fixture(store, schema));
    } finally {
      await client.end();
    }
    return schema;
  };
  const query: SqlClient['query'] = async (text, params = []) => ({ rows: (await admin.query(text, [...params])).rows });
  const expectUnchanged = async (store: Store, schema: string) => {
    const rows = await bookkeeping(query, store, schema);
    expect(rows.map((r) => r.version)).toEqual(currentVersions[store]);
  };

  it('catalog: postgresStore reads and writes a schema the old runner migrated', async () => {
    const schema = await load('catalog');
    for (let open = 0; open < 2; open++) {
      const store = postgresStore({ connectionString: pgUrl, schema });
      try {
        await store.ready();
        expect((await store.listLocations()).map((l) => l.id)).toContain('legacy-location');
        await store.transaction((tx) => tx.putLocation({ id: `new-${open}`, type: 'url', target: `https://example.com/${open}.yaml`, createdAt: '2026-02-01T00:00:00.000Z' }));
      } finally {
        await store.close();
      }
    }
    await expectUnchanged('catalog', schema);
  });

  it('scorecards: postgresScorecardStore reads and writes a schema the old runner migrated', async () => {
    const schema = await load('scorecards');
    const store = postgresScorecardStore({ connectionString: pgUrl, schema });
    try {
      const [latest] = await store.latest({ entityRefs: ['component:default/legacy'] });
      expect(latest).toMatchObject({ scorecardId: 'readiness', level: 'bronze', percentage: 50 });
      await store.write({ put: [{ ...latest!, evaluatedAt: '2026-02-01T00:00:00.000Z', level: 'silver', levelIndex: 1, percentage: 100 }] });
      expect((await store.history({ entityRef: 'component:default/legacy' })).map((h) => h.level)).toEqual(['silver', 'bronze']);
    } finally {
      await store.close();
    }
    await expectUnchanged('scorecards', schema);
  });

  it('scaffolder: postgresTaskStore keeps the tasks and events of scaffolder_migrations schemas', async () => {
    const schema = await load('scaffolder');
    const store = postgresTaskStore({ connectionString: pgUrl, schema });
    try {
      const { tasks } = await store.list();
      expect(tasks.map((t) => t.spec.templateInfo?.entityRef)).toEqual(['template:default/legacy']);
      expect((await store.listEvents({ taskId: tasks[0]!.id })).map((e) => e.body.message)).toEqual(['legacy log line']);
      await store.createTask({ spec: tasks[0]!.spec });
      expect((await store.list()).totalTasks).toBe(2);
    } finally {
      await store.close?.();
    }
    await expectUnchanged('scaffolder', schema);
  });

  it('search: postgresEngine finds old documents; schema_migrations gains descriptions for later versions', async () => {
    const schema = await load('search');
    const engine = postgresEngine({ connectionString: pgUrl, schema });
    try {
      expect((await engine.query({ term: 'legacy' })).results.map((r) => r.document.title)).toEqual(['Legacy service']);
      await engine.upsert([{ type: 'software-catalog', title: 'Legacy service v2', text: 'rewritten', location: '/catalog/default/component/legacy' }]);
      expect((await engine.query({ term: 'rewritten' })).numberOfResults).toBe(1);
      // Documents indexed before resources existed belong to none: hidden under any condition
      // until the next rebuild brings their resource.
      const restricted = { 'software-catalog': { allOf: [] } };
      expect((await engine.query({ term: 'legacy' }, { visibility: restricted })).numberOfResults).toBe(0);
    } finally {
      await engine.close();
    }
    // The legacy versions keep their (missing) descriptions; later ones are added with theirs.
    const rows = await bookkeeping(query, 'search', schema);
    expect(rows.slice(0, legacyVersions.search.length)).toEqual(legacyVersions.search.map((version) => ({ version, description: null })));
    expect(rows.map((r) => r.version)).toEqual(currentVersions.search);
    expect(rows.slice(legacyVersions.search.length).every((r) => typeof r.description === 'string')).toBe(true);
  });
});

describe('legacy schemas on PGlite', () => {
  const load = async (store: Store) => {
    const schema = randomSchema();
    // An in-memory database through the SQL layer (the root has no direct PGlite dependency).
    const { db } = openPglite('legacy-test', {}, schema);
    await db.exec(fixture(store, schema));
    return { db, schema, query: pgliteClient(db).query };
  };

  it('catalog: pgliteStore reads and writes a schema the old runner migrated', async () => {
    const { db, schema, query } = await load('catalog');
    try {
      const store = pgliteStore({ pglite: db, schema });
      await store.ready();
      expect((await store.listLocations()).map((l) => l.id)).toEqual(['legacy-location']);
      await store.transaction((tx) => tx.putLocation({ id: 'new', type: 'url', target: 'https://example.com/new.yaml', createdAt: '2026-02-01T00:00:00.000Z' }));
      expect(await store.listLocations()).toHaveLength(2);
      await store.close();
      expect((await bookkeeping(query, 'catalog', schema)).map((r) => r.version)).toEqual(currentVersions.catalog);
    } finally {
      await db.close();
    }
  });

  it('scorecards: pgliteScorecardStore reads a schema the old runner migrated', async () => {
    const { db, schema, query } = await load('scorecards');
    try {
      const store = pgliteScorecardStore({ pglite: db, schema });
      expect(await store.latest({ ownerRef: 'group:default/team' })).toHaveLength(1);
      await store.close();
      expect((await bookkeeping(query, 'scorecards', schema)).map((r) => r.version)).toEqual(legacyVersions.scorecards);
    } finally {
      await db.close();
    }
  });

  it('scaffolder and search bookkeeping: the shared migrator recognises both tables', async () => {
    for (const [store, migrate] of [['scaffolder', migrateTasks], ['search', migrateSearch]] as const) {
      const { db, schema, query } = await load(store);
      try {
        const before = await bookkeeping(query, store, schema).catch(() => undefined);
        await migrate(pgliteClient(db), schema);
        await migrate(pgliteClient(db), schema);
        const after = await bookkeeping(query, store, schema);
        expect(after.map((r) => r.version)).toEqual(currentVersions[store]);
        if (before) expect(after.slice(0, before.length)).toEqual(before);
      } finally {
        await db.close();
      }
    }
  });
});
