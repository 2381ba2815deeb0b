import type { Pool } from 'pg';
import { InputError } from '@portalkit/core';
import { checkPgOptions, openPgPool, pgPoolClient } from '@portalkit/sql';
import type { TaskStore } from './taskStore.js';
import { createSqlTaskStore } from './sql/sqlTaskStore.js';

/** Options of {@link postgresTaskStore}. */
export interface PostgresTaskStoreOptions {
  /** A pool owned by the host (not closed by `close()`). */
  pool?: Pool;
  /** Used to open a pool when `pool` is not given. */
  connectionString?: string;
  /** Schema holding the tables; created and migrated on first use. Default `portalkit_scaffolder`. */
  schema?: string;
  /**
   * How often a statement or a whole transaction is retried after the connection to PostgreSQL
   * was lost (server restart, failover, terminated backend), with a short backoff. Default 3;
   * then the call fails with a `ServiceUnavailableError`. A transaction is retried from its
   * start, so a dropped connection never leaves part of a write behind.
   */
  connectionRetries?: number;
}

/**
 * A PostgreSQL {@link TaskStore} (`pg`). Tasks are claimed with `FOR UPDATE SKIP LOCKED` under a
 * lease that workers extend by heartbeat; `recoverExpired` requeues or fails tasks of crashed workers.
 * Events survive restarts. Secrets are written only sealed (`secretKeys`), and deleted when the task ends.
 *
 * @example
 * ```ts
 * const taskStore = postgresTaskStore({ connectionString: process.env.DATABASE_URL, schema: 'scaffolder' });
 * const scaffolder = createScaffolder({ actions: builtinActions(), taskStore });
 * ```
 */
export function postgresTaskStore(options: PostgresTaskStoreOptions): TaskStore {
  const schema = checkPgOptions('postgresTaskStore', options, 'portalkit_scaffolder');
  const retries = options.connectionRetries ?? 3;
  if (!Number.isInteger(retries) || retries < 0) throw new InputError('postgresTaskStore: connectionRetries must be a non-negative integer');
  const { pool, close } = openPgPool(options, { max: 5 }, 'postgresTaskStore');
  const client = pgPoolClient(pool, { name: 'postgresTaskStore', retries });
  return createSqlTaskStore({ name: 'postgresTaskStore', client, schema, close });
}
