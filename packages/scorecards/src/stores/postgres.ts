import type { Pool } from 'pg';
import type { ScorecardStore } from '../types.js';
import { checkPgOptions, openPgPool, pgPoolClient } from '@portalkit/sql';
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
  const schema = checkPgOptions('postgresScorecardStore', options, 'portalkit_scorecards');
  const { pool, close } = openPgPool(options, {}, 'postgresScorecardStore');
  return createSqlScorecardStore({
    name: 'postgresScorecardStore',
    client: pgPoolClient(pool, { name: 'postgresScorecardStore' }),
    schema,
    close,
  });
}
