import type { CatalogStore } from '../types.js';
import { createMigrationGate, quoteIdent } from '@portalkit/sql';
import type { SqlClient } from '@portalkit/sql';
import { createSqlEntityReader } from './entity-reader.js';
import { queryGraphSql } from './graph-query.js';
import { createSqlProcessingLeases } from './leases.js';
import { listLocations } from './locations.js';
import { migrate } from './migrations.js';
import type { SqlRead } from './read.js';
import { getRefreshClaims, getRefreshStates, getRelations } from './refresh-state.js';
import { createSqlWritePath } from './write-path.js';

/** Options of {@link createSqlStore}. */
export interface SqlStoreOptions {
  /** Names the store in error messages (`pgliteStore`, `postgresStore`). */
  name: string;
  client: SqlClient;
  /** Schema holding the tables; validated by the caller. */
  schema: string;
  /**
   * A store-wide lock held across processes while `fn` runs (PostgreSQL session advisory lock).
   * When given, the store offers {@link ProcessingLeases} so several workers can share it.
   */
  crossProcessLock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Release the connection(s) the store owns. */
  close: () => Promise<void>;
}

/**
 * A SQL-backed {@link CatalogStore} (what `pgliteStore` and `postgresStore` return): the store
 * contract plus `ready()` and `close()`.
 *
 * @example
 * ```ts
 * const store: SqlCatalogStore = postgresStore({ connectionString: process.env.DATABASE_URL });
 * await store.ready(); // fail fast at start-up when the database is unreachable
 * // ...
 * await store.close();
 * ```
 */
export interface SqlCatalogStore extends CatalogStore {
  /** Resolves once migrations ran; rejects with their error. Every method waits for it anyway. */
  ready(): Promise<void>;
  /** Close the connections the store opened (a host-supplied pool or PGlite stays open). */
  close(): Promise<void>;
}

/**
 * The {@link CatalogStore} over any {@link SqlClient}: the one implementation behind both
 * `pgliteStore` and `postgresStore`. Filters, ordering, keyset pages, totals, facets and full
 * text all run as SQL against Backstage-style `final_entities` + `search` tables; write
 * transactions are real SQL transactions, serialised per schema by an advisory lock so
 * concurrent writers (also in other processes) apply one batch at a time, like the memory store.
 */
export function createSqlStore(options: SqlStoreOptions): SqlCatalogStore {
  const { client, schema, name } = options;
  const s = quoteIdent(schema);
  const { ready, close: closeGate } = createMigrationGate(name, () => migrate(client, schema));

  const read: SqlRead = async <R>(text: string, params: readonly unknown[] = []): Promise<R[]> => {
    await ready();
    return (await client.query<R>(text, params)).rows;
  };

  const lock = options.crossProcessLock;
  const store: SqlCatalogStore = {
    ...(lock ? { processingLeases: createSqlProcessingLeases({ client, s, ready, lock }) } : {}),
    ready,
    async ping() {
      await ready();
      await client.query('SELECT 1');
    },
    async close() {
      if (await closeGate()) await options.close();
    },
    listLocations: () => listLocations(s, read),
    getRefreshStates: (selector) => getRefreshStates(s, read, selector),
    getRefreshClaims: (selector) => getRefreshClaims(s, read, selector),
    getRelations: (selector) => getRelations(s, read, selector),
    ...createSqlEntityReader(s, read),
    queryGraph: (query) => queryGraphSql(s, read, query),
    ...createSqlWritePath({ name, client, schema, s, ready }),
  };
  return store;
}
