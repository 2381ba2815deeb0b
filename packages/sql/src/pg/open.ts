import type * as PgModule from 'pg';
import type { Pool, PoolConfig } from 'pg';
import { InputError } from '@portalkit/core';
import { isValidSchemaName } from '../client.js';
import { requireDriver } from '../optional-peer.js';

/**
 * Where a PostgreSQL-backed store connects: a pool it opens from `connectionString`, or a host's pool.
 * @example
 * ```ts
 * const options: PgConnectionOptions = { connectionString: process.env.DATABASE_URL, schema: 'my_schema' };
 * ```
 */
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
 * a pool opened here. `name` (the store's factory) is named in the `MissingDependencyError`
 * thrown when `pg` is not installed.
 *
 * @example
 * ```ts
 * const { pool, close } = openPgPool({ connectionString: process.env.DATABASE_URL }, { max: 4 }, 'myStore');
 * ```
 */
export function openPgPool(
  options: PgConnectionOptions,
  poolConfig: PoolConfig = {},
  name = 'openPgPool',
): { pool: Pool; close(): Promise<void> } {
  const owned = !options.pool;
  // `pg` is loaded only when a pool is opened here: a host passing its own pool, or using only
  // memory stores, needs nothing from this module but types.
  const pool = options.pool ?? new (requireDriver<typeof PgModule>('pg', name).Pool)({ ...poolConfig, connectionString: options.connectionString });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  if (owned) pool.on('error', () => {});
  return {
    pool,
    async close() {
      if (owned) await pool.end();
    },
  };
}
