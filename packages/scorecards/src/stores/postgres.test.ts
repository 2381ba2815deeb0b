import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runScorecardStoreContract } from '../testing/index.js';
import { postgresScorecardStore } from './postgres.js';
import { pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';

const skip = await postgresSkipReason();

if (skip) {
  describe.skip(`postgresScorecardStore (${skip})`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  // One pool for the file; every test gets its own schema, dropped afterwards.
  const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
  afterAll(() => pool.end());

  runScorecardStoreContract({
    name: 'postgres',
    create: async () => {
      const schema = randomSchema();
      return {
        store: postgresScorecardStore({ pool, schema }),
        // A restart: a new store (as a new process would make) on the same schema.
        reopen: async () => postgresScorecardStore({ connectionString: pgUrl, schema }),
        close: async () => {
          await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        },
      };
    },
  });

  describe('postgresScorecardStore', () => {
    it('migrates once when several stores start on one schema at the same time', async () => {
      const schema = randomSchema();
      const stores = [1, 2, 3].map(() => postgresScorecardStore({ pool, schema }));
      try {
        await Promise.all(stores.map((s) => s.latest()));
        const { rows } = await pool.query(`SELECT version FROM "${schema}".migrations`);
        expect(rows.map((r) => r.version)).toEqual([1, 2]);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
    });

    it('rejects bad options at creation, naming the store', () => {
      expect(() => postgresScorecardStore({ connectionString: pgUrl, schema: 'x; drop table y' })).toThrow(/postgresScorecardStore: invalid schema/);
      expect(() => postgresScorecardStore({})).toThrow(/postgresScorecardStore: pass a connectionString or a pool/);
    });
  });
}
