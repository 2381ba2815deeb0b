import { PGlite } from '@electric-sql/pglite';
import { pgliteClient, runSqlMigrations } from '@portalkit/sql';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from './sql/migrations.js';
import { runTaskStoreContract } from './contract.js';
import { pgliteTaskStore } from './pgliteTaskStore.js';

// PGlite takes seconds to start: one in-memory instance for the contract, a fresh schema per test.
const db = new PGlite();
let n = 0;
afterAll(() => db.close());

runTaskStoreContract({
  name: 'pglite',
  create: async () => {
    const schema = `contract_${++n}`;
    return {
      store: pgliteTaskStore({ pglite: db, schema }),
      dispose: async () => {
        await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  },
});

describe('pglite task store upgrade to version 3 (creator)', () => {
  it('keeps rows of version 2 with no creator (so they never act as anyone under a policy)', async () => {
    const schema = 'upgrade_v2';
    try {
      const client = pgliteClient(db);
      await runSqlMigrations(client, { name: 'scaffolder', schema, migrations: migrations.slice(0, 2), table: 'scaffolder_migrations', lockKey: `portalkit-scaffolder:${schema}` });
      const spec = { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [], output: {}, templateInfo: { entityRef: 'template:default/t' } };
      await db.query(`INSERT INTO ${schema}.tasks (id, spec, status, created_by, action_decision) VALUES ('old', $1, 'open', 'user:default/jane', $2)`, [
        JSON.stringify(spec),
        JSON.stringify({ result: 'ALLOW' }),
      ]);
      const store = pgliteTaskStore({ pglite: db, schema });
      const old = await store.getTask('old');
      expect(old).toMatchObject({ id: 'old', createdBy: 'user:default/jane', actionDecision: { result: 'ALLOW' } });
      expect(old).not.toHaveProperty('creator');
      const { rows } = await db.query<{ version: number }>(`SELECT version FROM ${schema}.scaffolder_migrations ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
      const created = await store.createTask({ spec, creator: { type: 'host' } });
      expect((await store.getTask(created.id))?.creator).toEqual({ type: 'host' });
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });
});
