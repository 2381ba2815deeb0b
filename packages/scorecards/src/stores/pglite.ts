import { PGlite } from '@electric-sql/pglite';
import { InputError } from '@portalkit/core';
import type { ScorecardStore } from '../types.js';
import { isValidSchemaName, pgliteClient } from '@portalkit/catalog';
import { createSqlScorecardStore } from './sql/sql-store.js';

/**
 * Options of {@link pgliteScorecardStore}.
 * @example
 * ```ts
 * const options: PgliteScorecardStoreOptions = { dataDir: './.scorecards-db' };
 * ```
 */
export interface PgliteScorecardStoreOptions {
  /** Directory the database persists to. Omitted: in memory, gone on close. */
  dataDir?: string;
  /** An open PGlite instance (e.g. the catalog's) to use instead; the host closes it. */
  pglite?: PGlite;
  /** Schema of the tables. Default `portalkit_scorecards`. */
  schema?: string;
}

/**
 * The embedded SQL {@link ScorecardStore} (PostgreSQL in WebAssembly, `@electric-sql/pglite`):
 * the same SQL as {@link postgresScorecardStore}, no server. Results and history persist in
 * `dataDir` across restarts.
 *
 * @example
 * ```ts
 * const store = pgliteScorecardStore({ dataDir: './.scorecards-db' });
 * const scorecards = createScorecards({ catalog, scorecards: [readiness], store });
 * // on shutdown
 * await store.close();
 * ```
 */
export function pgliteScorecardStore(options: PgliteScorecardStoreOptions = {}): ScorecardStore {
  if (options === null || typeof options !== 'object') throw new InputError('pgliteScorecardStore: options must be an object');
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || !options.dataDir)) {
    throw new InputError('pgliteScorecardStore: dataDir must be a non-empty directory path');
  }
  if (options.pglite && options.dataDir !== undefined) {
    throw new InputError('pgliteScorecardStore: pass either dataDir or an open pglite instance, not both');
  }
  const schema = options.schema ?? 'portalkit_scorecards';
  if (!isValidSchemaName(schema)) {
    throw new InputError(`pgliteScorecardStore: invalid schema name ${JSON.stringify(schema)} (letters, digits and _ only)`);
  }
  const owned = !options.pglite;
  const db = options.pglite ?? new PGlite(options.dataDir);
  return createSqlScorecardStore({
    name: 'pgliteScorecardStore',
    client: pgliteClient(db),
    schema,
    close: async () => {
      if (owned && !db.closed) await db.close();
    },
  });
}
