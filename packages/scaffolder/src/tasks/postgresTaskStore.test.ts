import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runTaskStoreContract } from './contract.js';
import { postgresTaskStore } from './postgresTaskStore.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';

const skip = await postgresSkipReason();

runTaskStoreContract({
  name: 'postgres',
  skip,
  create: async () => {
    const schema = randomSchema();
    const store = postgresTaskStore({ connectionString: pgUrl, schema });
    return {
      store,
      dispose: async () => {
        await store.close?.();
        await dropSchema(schema);
      },
    };
  },
});

(skip ? describe.skip : describe)('postgresTaskStore', () => {
  it('migrates idempotently when many stores start at once, and keeps events across restarts', async () => {
    const schema = randomSchema();
    const pool = new pg.Pool({ connectionString: pgUrl });
    try {
      const stores = [1, 2, 3].map(() => postgresTaskStore({ pool, schema }));
      await Promise.all(stores.map((s) => s.list()));
      const { rows } = await pool.query(`SELECT version FROM "${schema}".scaffolder_migrations`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);

      const task = await stores[0]!.createTask({ spec: { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [], output: {}, templateInfo: { entityRef: 'template:default/t' } } });
      await stores[0]!.appendEvent({ taskId: task.id, type: 'log', body: { message: 'persisted' } });
      // A new store on the same schema, as after a process restart.
      const restarted = postgresTaskStore({ connectionString: pgUrl, schema });
      expect((await restarted.listEvents({ taskId: task.id })).map((e) => e.body.message)).toEqual(['persisted']);
      await restarted.close?.();
    } finally {
      await pool.end();
      await dropSchema(schema);
    }
  });

  it('rejects a bad schema name at creation', () => {
    expect(() => postgresTaskStore({ connectionString: pgUrl, schema: 'x; drop table y' })).toThrow(/invalid schema/);
  });
});
