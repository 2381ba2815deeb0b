import type { PGlite } from '@electric-sql/pglite';
import { createSqlStore } from '../sql/index.js';
import type { SqlCatalogStore } from '../sql/index.js';
import { openPglite, pgliteClient } from '@portalkit/sql';

/**
 * Options of {@link pgliteStore}.
 * @example
 * ```ts
 * const options: PgliteStoreOptions = { dataDir: './.catalog-db' };
 * ```
 */
export interface PgliteStoreOptions {
  /** Directory the database persists to (created when missing; locked to this store). Omitted: in memory, gone on close. */
  dataDir?: string;
  /** An open PGlite instance to use instead of opening one; the host closes it. */
  pglite?: PGlite;
  /** Schema holding the catalog tables. Default `portalkit_catalog`. */
  schema?: string;
}

/**
 * The embedded SQL {@link CatalogStore}: PostgreSQL compiled to WebAssembly
 * (`@electric-sql/pglite`), so it speaks the same SQL as {@link postgresStore} and shares its
 * migrations and queries, yet needs no server: it persists to `dataDir`, or lives in memory
 * when `dataDir` is omitted. One store at a time may open a `dataDir`: it is locked (the file
 * `portalkit.lock`) until `close()`, and a second opener, in this process or another, gets a
 * `ConflictError` naming the holder (see {@link lockDataDir}).
 *
 * @example
 * ```ts
 * const store = pgliteStore({ dataDir: './.catalog-db' });
 * const catalog = createCatalog({ store });
 * // ...
 * await store.close();
 * ```
 */
export function pgliteStore(options: PgliteStoreOptions = {}): SqlCatalogStore {
  const { db, schema, close } = openPglite('pgliteStore', options, 'portalkit_catalog');
  return createSqlStore({
    name: 'pgliteStore',
    client: pgliteClient(db),
    schema,
    close,
  });
}
