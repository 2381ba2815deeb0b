import type { CatalogStore, CatalogStoreTransaction } from '../types.js';
import type { SqlClient } from '@portalkit/sql';
import { deleteEntities, latestEntities, putFinals } from './entity-writes.js';
import { deleteLocation, putLocation } from './locations.js';
import { deleteRefreshStates, putStates } from './refresh-state.js';

/** What {@link createSqlWritePath} writes through. */
export interface SqlWritePathOptions {
  /** Names the store in error messages. */
  name: string;
  client: SqlClient;
  schema: string;
  /** `schema`, quoted. */
  s: string;
  ready: () => Promise<void>;
}

// Search rows written since the planner statistics were refreshed, before they are refreshed.
const analyzeAfter = 20_000;

/** Rows of a batch with later duplicates winning, as if written one by one. */
function lastByKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const map = new Map<string, T>();
  for (const row of rows) {
    map.delete(key(row));
    map.set(key(row), row);
  }
  return [...map.values()];
}

/**
 * The store's write path: `transaction(fn)` runs `fn` in a real SQL transaction, serialised per
 * schema by an advisory lock so concurrent writers (also in other processes) apply one batch at
 * a time, and refreshes planner statistics after bulk loads.
 */
export function createSqlWritePath({ name, client, schema, s, ready }: SqlWritePathOptions): Pick<CatalogStore, 'transaction'> {
  let unanalyzed = 0;

  function writer(tx: SqlClient, isOpen: () => boolean): CatalogStoreTransaction {
    const guard = (method: string) => {
      if (!isOpen()) throw new Error(`${name}: ${method}() called after the transaction ended`);
    };
    return {
      async putLocation(location) {
        guard('putLocation');
        await putLocation(tx, s, location);
      },
      async deleteLocation(id) {
        guard('deleteLocation');
        await deleteLocation(tx, s, id);
      },
      async putRefreshStates(input) {
        guard('putRefreshStates');
        await putStates(tx, s, lastByKey(input, (r) => r.entityRef));
      },
      async deleteRefreshStates(refs) {
        guard('deleteRefreshStates');
        await deleteRefreshStates(tx, s, refs);
      },
      async putEntities(input) {
        guard('putEntities');
        unanalyzed += await putFinals(tx, s, latestEntities(input));
      },
      async deleteEntities(refs) {
        guard('deleteEntities');
        await deleteEntities(tx, s, refs);
      },
    };
  }

  return {
    async transaction(fn) {
      await ready();
      const result = await client.transaction(async (tx) => {
        // One writer per schema at a time, across processes: a batch applies against the state
        // it was built on and concurrent upserts of the same rows cannot deadlock.
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`portalkit-catalog:write:${schema}`]);
        let open = true;
        try {
          return await fn(writer(tx, () => open));
        } finally {
          open = false;
        }
      });
      if (unanalyzed >= analyzeAfter) {
        // After a bulk load, do now what autovacuum would do later (PGlite has none): fresh
        // row estimates (stale ones make filters pick plans 20x slower) and a visibility map,
        // without which counts cannot use index-only scans.
        unanalyzed = 0;
        await client.query(`VACUUM (ANALYZE) ${s}.search, ${s}.final_entities`);
      }
      return result;
    },
  };
}
