import { PGlite } from '@electric-sql/pglite';
import { InputError } from '@portalkit/core';
import { createSqlStore, isValidSchemaName } from '../sql/index.js';
import type { SqlCatalogStore } from '../sql/index.js';
import { pgliteClient } from './client.js';

/**
 * Options of {@link pgliteStore}.
 * @example
 * ```ts
 * const options: PgliteStoreOptions = { dataDir: './.catalog-db' };
 * ```
 */
export interface PgliteStoreOptions {
  /** Directory the database persists to (created when missing). Omitted: in memory, gone on close. */
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
 * when `dataDir` is omitted. One process at a time may open a `dataDir`.
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
  if (options === null || typeof options !== 'object') throw new InputError('pgliteStore: options must be an object');
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || !options.dataDir)) {
    throw new InputError('pgliteStore: dataDir must be a non-empty directory path');
  }
  if (options.pglite && options.dataDir !== undefined) {
    throw new InputError('pgliteStore: pass either dataDir or an open pglite instance, not both');
  }
  const schema = options.schema ?? 'portalkit_catalog';
  if (!isValidSchemaName(schema)) {
    throw new InputError(`pgliteStore: invalid schema name ${JSON.stringify(schema)} (letters, digits and _ only)`);
  }
  const owned = !options.pglite;
  const db = options.pglite ?? new PGlite(options.dataDir);
  return createSqlStore({
    name: 'pgliteStore',
    client: pgliteClient(db),
    schema,
    close: async () => {
      if (owned && !db.closed) await db.close();
    },
  });
}
