import pg from 'pg';
import type { Pool } from 'pg';
import { InputError } from '@portalkit/core';
import type { ScorecardStore } from '../types.js';
import { isValidSchemaName, pgPoolClient } from '@portalkit/catalog';
import { createSqlScorecardStore } from './sql/sql-store.js';

/**
 * Options of {@link postgresScorecardStore}: a `connectionString` (the store opens and closes a
 * pool) or a host-owned `pool`.
 *
 * @example
 * ```ts
 * const options: PostgresScorecardStoreOptions = { connectionString: 'postgres://postgres@127.0.0.1:5432/portal', schema: 'scorecards' };
 * ```
 */
export interface PostgresScorecardStoreOptions {
  connectionString?: string;
  /** A pool owned by the host, not closed by `close()`. */
  pool?: Pool;
  /** Schema of the tables; created and migrated on first use. Default `portalkit_scorecards`. */
  schema?: string;
}

/**
 * The PostgreSQL {@link ScorecardStore} (`pg`): versioned migrations on first use (safe when
 * several processes start at once), latest results and history in two indexed tables.
 *
 * @example
 * ```ts
 * const store = postgresScorecardStore({ connectionString: process.env.DATABASE_URL, schema: 'scorecards' });
 * const scorecards = createScorecards({ catalog, scorecards: [readiness], store });
 * ```
 */
export function postgresScorecardStore(options: PostgresScorecardStoreOptions): ScorecardStore {
  if (options === null || typeof options !== 'object') throw new InputError('postgresScorecardStore: options must be an object');
  if (!options.pool && (typeof options.connectionString !== 'string' || !options.connectionString)) {
    throw new InputError('postgresScorecardStore: pass a connectionString or a pool');
  }
  const schema = options.schema ?? 'portalkit_scorecards';
  if (!isValidSchemaName(schema)) {
    throw new InputError(`postgresScorecardStore: invalid schema name ${JSON.stringify(schema)} (letters, digits and _ only)`);
  }
  const owned = !options.pool;
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  if (owned) pool.on('error', () => {});
  return createSqlScorecardStore({
    name: 'postgresScorecardStore',
    client: pgPoolClient(pool, { name: 'postgresScorecardStore' }),
    schema,
    close: async () => {
      if (owned) await pool.end();
    },
  });
}
