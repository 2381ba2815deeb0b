import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runStoreContract } from '../contract.js';
import { postgresStore } from './index.js';
import { pgPoolClient, runSqlMigrations } from '@portalkit/sql';
import { migrations } from '../sql/migrations.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../../test/support/postgres.js';

const skip = await postgresSkipReason();

if (skip) {
  describe.skip(`postgresStore (${skip})`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  // One pool for the file; every test gets its own schema, dropped afterwards.
  const pool = new pg.Pool({ connectionString: pgUrl, max: 6 });

  runStoreContract({
    name: 'postgres',
    create: async () => {
      const schema = randomSchema();
      const store = postgresStore({ pool, schema });
      await store.ready();
      return {
        store,
        close: async () => {
          await store.close();
          await dropSchema(schema);
        },
      };
    },
  });

  describe('postgresStore', () => {
    it('migrates idempotently when several stores start at once', async () => {
      const schema = randomSchema();
      try {
        const stores = [1, 2, 3].map(() => postgresStore({ pool, schema }));
        await Promise.all(stores.map((s) => s.ready()));
        const { rows } = await pool.query(`SELECT version FROM "${schema}".migrations ORDER BY version`);
        expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
        await Promise.all(stores.map((s) => s.close()));
      } finally {
        await dropSchema(schema);
      }
    });

    it('keeps finding locations and refresh keys written before migration 4 (hash indexes)', async () => {
      const schema = randomSchema();
      try {
        const client = pgPoolClient(pool, { name: 'test' });
        await runSqlMigrations(client, { name: 'catalog', schema, migrations: migrations.filter((m) => m.version < 4) });
        await pool.query(`INSERT INTO "${schema}".locations (id, type, target, created_at) VALUES ('a', 'url', 'https://x/a.yaml', '2026-01-01')`);
        await pool.query(
          `INSERT INTO "${schema}".refresh_state (entity_ref, parent_refs, unprocessed, errors, relations, refresh_keys, hash)
           VALUES ('component:default/a', '{}', '{}', '[]', '[]', '{k1,k2}', ''), ('component:default/b', '{}', '{}', '[]', '[]', '{}', '')`,
        );
        const store = postgresStore({ pool, schema });
        try {
          await store.ready();
          expect((await store.getRefreshStates({ refreshKeys: ['k2'] })).map((r) => r.entityRef)).toEqual(['component:default/a']);
          await store.transaction((tx) => tx.putLocation({ id: 'b', type: 'url', target: 'https://x/a.yaml', createdAt: '2026-01-02' }));
          // The (type, target) already registered as 'a' stays registered once.
          expect((await store.listLocations()).map((l) => l.id)).toEqual(['a']);
        } finally {
          await store.close();
        }
      } finally {
        await dropSchema(schema);
      }
    });

    it('upgrades a schema written before migration 5: repeated search rows dropped, the trigram index used by full text', async () => {
      const schema = randomSchema();
      try {
        const client = pgPoolClient(pool, { name: 'test' });
        await runSqlMigrations(client, { name: 'catalog', schema, migrations: migrations.filter((m) => m.version < 5) });
        const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a', namespace: 'default', title: '50% Off_Sale', tags: ['go', 'go'] } };
        await pool.query(`INSERT INTO "${schema}".final_entities (entity_ref, uid, etag, entity) VALUES ('component:default/a', 'u1', 'e1', $1)`, [JSON.stringify(entity)]);
        // The old writer kept one row per array element, repeats included.
        await pool.query(
          `INSERT INTO "${schema}".search (entity_ref, key, value, original) VALUES
           ('component:default/a', 'kind', 'component', 'Component'), ('component:default/a', 'metadata.name', 'a', 'a'),
           ('component:default/a', 'metadata.title', '50% off_sale', '50% Off_Sale'),
           ('component:default/a', 'metadata.tags', 'go', 'go'), ('component:default/a', 'metadata.tags', 'go', 'go')`,
        );
        const store = postgresStore({ pool, schema });
        try {
          await store.ready();
          expect(await store.entityFacets({ facets: ['metadata.tags'] })).toEqual({ 'metadata.tags': [{ value: 'go', count: 1 }] });
          const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".search WHERE key = 'metadata.tags'`);
          expect(rows[0].n).toBe(1);
          const text = async (term: string) =>
            (await store.queryEntities({ fullText: { term, fields: ['metadata.title'] } })).items.map((r) => r.entityRef);
          expect([await text('0% OFF_'), await text('0%_off'), await text('sale')]).toEqual([['component:default/a'], [], ['component:default/a']]);
          const { rows: indexes } = await pool.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname = 'search_text_trgm_idx'`, [schema]);
          expect(indexes).toHaveLength(1);
        } finally {
          await store.close();
        }
      } finally {
        await dropSchema(schema);
      }
    });

    it('rejects bad options at creation, naming the store', () => {
      expect(() => postgresStore({ connectionString: pgUrl, schema: 'x; drop table y' })).toThrow(/postgresStore: invalid schema/);
      expect(() => postgresStore({})).toThrow(/postgresStore: pass a connectionString or a pool/);
      expect(() => postgresStore({ connectionString: pgUrl, poolSize: 1 })).toThrow(/poolSize/);
    });

    it('leases keys to one worker at a time and frees them on release or expiry', async () => {
      const schema = randomSchema();
      const a = postgresStore({ pool, schema });
      const b = postgresStore({ pool, schema });
      try {
        const leasesA = a.processingLeases!;
        const leasesB = b.processingLeases!;
        const [gotA, gotB] = await Promise.all([
          leasesA.claim(['k1', 'k2', 'k3'], 'a', 60_000),
          leasesB.claim(['k1', 'k2', 'k3'], 'b', 60_000),
        ]);
        expect([...gotA, ...gotB].sort()).toEqual(['k1', 'k2', 'k3']);
        expect(gotA.filter((k) => gotB.includes(k))).toEqual([]);
        await leasesA.release(gotA, 'a');
        expect((await leasesB.claim(['k1', 'k2', 'k3'], 'b', 60_000)).sort()).toEqual(['k1', 'k2', 'k3']);
        // A lease that ran out is free for others.
        expect(await leasesA.claim(['k4'], 'a', 1)).toEqual(['k4']);
        await new Promise((r) => setTimeout(r, 20));
        expect(await leasesB.claim(['k4'], 'b', 60_000)).toEqual(['k4']);
      } finally {
        await a.close();
        await b.close();
        await dropSchema(schema);
      }
    });

    it('runs commit sections of several stores one at a time', async () => {
      const schema = randomSchema();
      const stores = [1, 2, 3].map(() => postgresStore({ connectionString: pgUrl, schema, poolSize: 2 }));
      try {
        let inside = 0;
        let most = 0;
        await Promise.all(
          stores.flatMap((s) =>
            [1, 2].map(() =>
              s.processingLeases!.withCommitLock(async () => {
                inside++;
                most = Math.max(most, inside);
                await s.queryEntities({ limit: 1 });
                await new Promise((r) => setTimeout(r, 10));
                inside--;
              }),
            ),
          ),
        );
        expect(most).toBe(1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await dropSchema(schema);
      }
    });
  });

  // vitest runs this after the file's tests.
  const { afterAll } = await import('vitest');
  afterAll(async () => {
    await pool.end();
  });
}
