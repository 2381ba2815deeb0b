import type { Pool } from 'pg';
import { InputError } from '@portalkit/core';
import { createSqlStore } from '../sql/index.js';
import type { SqlCatalogStore } from '../sql/index.js';
import { checkPgOptions, openPgPool, pgPoolClient, withConnection } from '@portalkit/sql';

/**
 * Options of {@link postgresStore}: a `connectionString` (the store opens and closes a pool)
 * or a host-owned `pool`.
 *
 * @example
 * ```ts
 * const options: PostgresStoreOptions = { connectionString: 'postgres://postgres@127.0.0.1:5432/portal', schema: 'catalog' };
 * ```
 */
export interface PostgresStoreOptions {
  connectionString?: string;
  /** A pool owned by the host, not closed by `close()`. It needs at least 2 connections. */
  pool?: Pool;
  /** Schema holding the catalog tables; created and migrated on start. Default `portalkit_catalog`. */
  schema?: string;
  /** Connections of the pool opened from `connectionString`. Default 10, at least 2. */
  poolSize?: number;
  /**
   * How often a statement or a whole transaction is retried after the connection to PostgreSQL
   * was lost (server restart, failover, terminated backend), with a short backoff. Default 3;
   * then the call fails with a `ServiceUnavailableError`. A transaction is always retried from
   * its start, so a dropped connection never leaves part of a write behind.
   */
  connectionRetries?: number;
}

/**
 * The PostgreSQL {@link CatalogStore} (`pg`). On start it runs versioned, idempotent migrations
 * (safe when several processes start at once); filters, ordering, keyset pages, facets and full
 * text run as indexed SQL. It also offers processing leases, so several catalog processes on one
 * schema split the processing work (`FOR UPDATE SKIP LOCKED`) without processing an entity twice
 * at the same time.
 *
 * @example
 * ```ts
 * const store = postgresStore({ connectionString: process.env.DATABASE_URL, schema: 'catalog' });
 * const catalog = createCatalog({ store });
 * // on shutdown
 * await store.close();
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): SqlCatalogStore {
  const schema = checkPgOptions('postgresStore', options, 'portalkit_catalog');
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 2) {
    // One connection may hold the commit lock while another does the work.
    throw new InputError('postgresStore: poolSize must be an integer of at least 2');
  }
  const retries = options.connectionRetries ?? 3;
  if (!Number.isInteger(retries) || retries < 0) throw new InputError('postgresStore: connectionRetries must be a non-negative integer');
  // JIT compilation costs 50-100 ms on the facet and count queries and never pays off for them.
  const { pool, close } = openPgPool(options, { max: poolSize, options: '-c jit=off' }, 'postgresStore');
  const lockKey = `portalkit-catalog:commit:${schema}`;
  // Commit sections of this store queue in-process first: each waiting section would otherwise
  // hold a pooled connection while blocked on the advisory lock, starving the holder of one.
  let queue: Promise<unknown> = Promise.resolve();
  const inProcess = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };
  return createSqlStore({
    name: 'postgresStore',
    client: pgPoolClient(pool, { name: 'postgresStore', retries }),
    schema,
    crossProcessLock: (fn) => inProcess(() => advisoryLocked(fn)),
    close,
  });

  function advisoryLocked<T>(fn: () => Promise<T>): Promise<T> {
    return withConnection(pool, async (conn, markBroken) => {
      await conn.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
      try {
        return await fn();
      } finally {
        // Dropping the connection frees a session lock whose unlock failed.
        await conn.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(markBroken);
      }
    });
  }
}
