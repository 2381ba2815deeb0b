import type { PGlite } from '@electric-sql/pglite';
import type { ScorecardStore } from '../types.js';
import { openPglite, pgliteClient } from '@portalkit/sql';
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
  const { db, schema, close } = openPglite('pgliteScorecardStore', options, 'portalkit_scorecards');
  return createSqlScorecardStore({
    name: 'pgliteScorecardStore',
    client: pgliteClient(db),
    schema,
    close,
  });
}
