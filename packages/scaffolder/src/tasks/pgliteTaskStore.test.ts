import { PGlite } from '@electric-sql/pglite';
import { afterAll } from 'vitest';
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
