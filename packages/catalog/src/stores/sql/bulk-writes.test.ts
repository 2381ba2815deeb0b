import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinKinds, createCatalog } from '../../index.js';
import { generateCatalogEntities, toYaml } from '../../testing/generate.js';
import { pgliteStore } from '../pglite/index.js';
import { postgresStore } from '../postgres/index.js';
import type { FinalEntityRow } from '../types.js';
import type { SqlCatalogStore } from './sql-store.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../../test/support/postgres.js';

const skip = await postgresSkipReason();
const everyKind = [{ allow: builtinKinds.map((k) => k.kind) }];

interface Opened {
  store: SqlCatalogStore;
  /** Raw SQL on the store's database, for what the store does not expose (xmin, row counts). */
  sql: <R>(text: string) => Promise<R[]>;
  schema: string;
  close: () => Promise<void>;
}

const pglite = new PGlite();
const pool = skip ? undefined : new pg.Pool({ connectionString: pgUrl, max: 4 });
afterAll(async () => {
  await pglite.close();
  await pool?.end();
});

const backends: { name: string; skip: string | false; open: () => Promise<Opened> }[] = [
  {
    name: 'postgres',
    skip,
    open: async () => {
      const schema = randomSchema();
      const store = postgresStore({ pool: pool!, schema });
      await store.ready();
      return {
        store,
        schema,
        sql: async (text) => (await pool!.query(text)).rows,
        close: async () => {
          await store.close();
          await dropSchema(schema);
        },
      };
    },
  },
  {
    name: 'pglite',
    skip: false,
    open: async () => {
      const schema = randomSchema();
      const store = pgliteStore({ pglite, schema });
      await store.ready();
      return {
        store,
        schema,
        sql: async <R>(text: string) => (await pglite.query<R>(text)).rows,
        close: async () => {
          await store.close();
          await pglite.query(`DROP SCHEMA ${schema} CASCADE`);
        },
      };
    },
  },
];

const final = (i: number, title = `Service ${i}`): FinalEntityRow => ({
  entityRef: `component:default/c-${i}`,
  uid: `uid-${i}`,
  etag: `etag-${i}`,
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: `c-${i}`, uid: `uid-${i}`, etag: `etag-${i}`, title, tags: ['a', 'b'] },
    spec: { type: 'service', owner: 'team-a' },
  },
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`SQL store bulk writes: ${backend.name}`, () => {
    it('writes a batch larger than one chunk (5,200 entities) in one transaction, with every search row', async () => {
      const { store, sql, schema, close } = await backend.open();
      try {
        const rows = Array.from({ length: 5_200 }, (_, i) => final(i));
        await store.transaction((tx) => tx.putEntities(rows));
        const [count] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.final_entities`);
        expect(count?.n).toBe(5_200);
        const page = await store.queryEntities({ filter: { key: 'metadata.title', values: ['service 5199'] }, includeTotal: true });
        expect(page.totalItems).toBe(1);
        expect((await store.getEntities({ refs: ['component:default/c-5150'] }))[0]!.entity).toEqual(rows[5150]!.entity);
      } finally {
        await close();
      }
    }, 120_000);

    it('a batch with one row the database refuses writes none of it and keeps everything already stored', async () => {
      const { store, close } = await backend.open();
      try {
        await store.transaction((tx) => tx.putEntities([final(1), final(2)]));
        // A ref with NUL is refused by PostgreSQL text (the engine never sends one: refs are checked).
        const bad = { ...final(3), entityRef: 'component:default/c-\u00003' };
        const batch = [...Array.from({ length: 5_200 }, (_, i) => final(100 + i)), bad, final(1, 'changed')];
        await expect(store.transaction((tx) => tx.putEntities(batch))).rejects.toThrow();
        const stored = await store.getEntities({ refs: ['component:default/c-1', 'component:default/c-2', 'component:default/c-100'] });
        expect(stored.map((r) => [r.entityRef, r.entity.metadata.title]).sort()).toEqual([
          ['component:default/c-1', 'Service 1'],
          ['component:default/c-2', 'Service 2'],
        ]);
        // The store keeps working after the rolled-back batch.
        await store.transaction((tx) => tx.putEntities([final(100)]));
        expect(await store.getEntities({ refs: ['component:default/c-100'] })).toHaveLength(1);
      } finally {
        await close();
      }
    }, 120_000);

    it('an unchanged refresh rewrites no refresh state or final entity; one changed field rewrites that entity only', async () => {
      const { store, sql, schema, close } = await backend.open();
      const dir = mkdtempSync(join(tmpdir(), 'pk-bulk-'));
      try {
        const entities = generateCatalogEntities(300);
        const write = () => {
          writeFileSync(join(dir, 'a.yaml'), entities.slice(0, 150).map((e) => toYaml(e)).join('---\n'));
          writeFileSync(join(dir, 'b.yaml'), entities.slice(150).map((e) => toYaml(e)).join('---\n'));
        };
        write();
        writeFileSync(join(dir, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: ["./a.yaml", "./b.yaml"]\n');
        const catalog = createCatalog({ rootDir: dir, store, rules: everyKind });
        await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
        // xmin is the transaction that wrote a row version: it changes exactly when a row is rewritten.
        const versions = async () => {
          const states = await sql<{ entity_ref: string; x: string }>(`SELECT entity_ref, xmin::text AS x FROM ${schema}.refresh_state`);
          const finals = await sql<{ entity_ref: string; x: string }>(`SELECT entity_ref, xmin::text AS x FROM ${schema}.final_entities`);
          return { states: new Map(states.map((r) => [r.entity_ref, r.x])), finals: new Map(finals.map((r) => [r.entity_ref, r.x])) };
        };
        const before = await versions();
        expect(before.finals.size).toBe(302);

        await catalog.refresh();
        expect(await versions()).toEqual(before);

        const changed = entities[200]!;
        const ref = `${changed.kind.toLowerCase()}:default/${changed.metadata.name}`;
        changed.metadata.description = 'changed once';
        write();
        await catalog.refresh();
        const after = await versions();
        const rewritten = (a: Map<string, string>, b: Map<string, string>) => [...a].filter(([k, x]) => b.get(k) !== x).map(([k]) => k);
        expect(rewritten(after.states, before.states)).toEqual([ref]);
        expect(rewritten(after.finals, before.finals)).toEqual([ref]);
        expect((await catalog.getEntityByRef(ref))?.metadata.description).toBe('changed once');
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await close();
      }
    }, 120_000);
  });
}
