import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../contract.js';
import { pgliteStore } from './index.js';

// PGlite takes a while to start: one instance for the file, a fresh schema per test.
const db = new PGlite();
let n = 0;
afterAll(async () => {
  await db.close();
});

runStoreContract({
  name: 'pglite',
  create: async () => {
    const schema = `contract_${++n}`;
    const store = pgliteStore({ pglite: db, schema });
    await store.ready();
    return {
      store,
      close: async () => {
        await store.close();
        await db.query(`DROP SCHEMA ${schema} CASCADE`);
      },
    };
  },
});

describe('pgliteStore', () => {
  it('rejects bad options at creation, naming the store', () => {
    expect(() => pgliteStore({ schema: 'a-b' })).toThrow(/pgliteStore: invalid schema/);
    expect(() => pgliteStore({ pglite: db, dataDir: '/tmp/x' })).toThrow(/pgliteStore: pass either/);
  });

  it('does not offer processing leases (one process owns the data directory)', () => {
    expect(pgliteStore({ pglite: db, schema: 'unused' }).processingLeases).toBeUndefined();
  });
});
