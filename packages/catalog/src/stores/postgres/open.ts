import pg from 'pg';
import type { Pool, PoolConfig } from 'pg';
import { InputError } from '@portalkit/core';
import { isValidSchemaName } from '../sql/index.js';

/** Where a PostgreSQL-backed store connects: a pool it opens from `connectionString`, or a host's pool. */
export interface PgConnectionOptions {
  connectionString?: string;
  pool?: Pool;
  schema?: string;
}

/**
 * Check a PostgreSQL store's connection options, `name` (the factory) prefixing every error,
 * and return its schema.
 *
 * @example
 * ```ts
 * const schema = checkPgOptions('myStore', { connectionString: process.env.DATABASE_URL }, 'my_schema');
 * ```
 */
export function checkPgOptions(name: string, options: PgConnectionOptions, defaultSchema: string): string {
  if (options === null || typeof options !== 'object') throw new InputError(`${name}: options must be an object`);
  if (!options.pool && (typeof options.connectionString !== 'string' || !options.connectionString)) {
    throw new InputError(`${name}: pass a connectionString or a pool`);
  }
  const schema = options.schema ?? defaultSchema;
  if (!isValidSchemaName(schema)) {
    throw new InputError(`${name}: invalid schema name ${JSON.stringify(schema)} (letters, digits and _ only)`);
  }
  return schema;
}

/**
 * The host's pool, or one opened from `connectionString` with `poolConfig`; `close()` ends only
 * a pool opened here.
 *
 * @example
 * ```ts
 * const { pool, close } = openPgPool({ connectionString: process.env.DATABASE_URL }, { max: 4 });
 * ```
 */
export function openPgPool(options: PgConnectionOptions, poolConfig: PoolConfig = {}): { pool: Pool; close(): Promise<void> } {
  const owned = !options.pool;
  const pool = options.pool ?? new pg.Pool({ ...poolConfig, connectionString: options.connectionString });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  if (owned) pool.on('error', () => {});
  return {
    pool,
    async close() {
      if (owned) await pool.end();
    },
  };
}
