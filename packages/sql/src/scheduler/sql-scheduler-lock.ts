import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { InputError, type SchedulerLock } from '@portalkit/core';
import { type SqlClient, isValidSchemaName, quoteIdent } from '../client.js';
import { createMigrationGate } from '../migration-gate.js';
import { runSqlMigrations } from '../migrator.js';
import { schedulerMigrations } from './migrations.js';

/**
 * Options of {@link createSqlSchedulerLock}.
 *
 * @example
 * ```ts
 * const options: SqlSchedulerLockOptions = { sql: pgPoolClient(pool, { name: 'scheduler' }), schema: 'portalkit_scheduler' };
 * ```
 */
export interface SqlSchedulerLockOptions {
  sql: SqlClient;
  /** Default `portalkit_scheduler`; created and migrated on first use. */
  schema?: string;
  /** Names this holder in the lease table; default `<hostname>:<pid>:<random>`, unique per lock. */
  owner?: string;
}

/**
 * A {@link SchedulerLock} backed by a lease table in PostgreSQL (or PGlite): the portal
 * processes sharing a database run each scheduled task once per period between them. A lease
 * row (not a session advisory lock) so that a holder whose process was killed, or whose
 * connection hangs, loses the task when its lease expires; expiry is judged by the database's
 * clock, so the processes' clocks need not agree.
 *
 * @example
 * ```ts
 * const lock = createSqlSchedulerLock({ sql: pgPoolClient(pool, { name: 'scheduler' }) });
 * const scheduler = createScheduler({ logger, lock });
 * scheduler.schedule({ id: 'docs-sync', frequencyMs: 600_000, fn: syncDocs });
 * ```
 */
export function createSqlSchedulerLock(options: SqlSchedulerLockOptions): SchedulerLock {
  if (!options?.sql || typeof options.sql.query !== 'function') throw new InputError('createSqlSchedulerLock: `sql` (a SqlClient) is required');
  const schema = options.schema ?? 'portalkit_scheduler';
  if (!isValidSchemaName(schema)) throw new InputError(`createSqlSchedulerLock: invalid schema name ${JSON.stringify(schema)}`);
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID()}`;
  if (typeof owner !== 'string' || !owner) throw new InputError('createSqlSchedulerLock: `owner` must be a non-empty string');
  const { sql } = options;
  const table = `${quoteIdent(schema)}.scheduler_leases`;
  const { ready } = createMigrationGate('createSqlSchedulerLock', () =>
    runSqlMigrations(sql, { name: 'scheduler', schema, migrations: schedulerMigrations }),
  );

  const checkArgs = (taskId: unknown, ttlMs?: unknown) => {
    if (typeof taskId !== 'string' || !taskId) throw new InputError('SchedulerLock: taskId must be a non-empty string');
    if (ttlMs !== undefined && (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0)) {
      throw new InputError(`SchedulerLock: ttlMs must be a positive number, got ${JSON.stringify(ttlMs)}`);
    }
  };

  return {
    async tryAcquire(taskId, ttlMs) {
      checkArgs(taskId, ttlMs);
      await ready();
      // One statement: take a free or expired lease, or extend our own; a live lease of another
      // owner leaves the row alone and returns nothing.
      const { rows } = await sql.query(
        `INSERT INTO ${table} AS l (task_id, owner, expires_at)
         VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (task_id) DO UPDATE
           SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at,
               acquired_at = CASE WHEN l.owner = EXCLUDED.owner THEN l.acquired_at ELSE now() END
           WHERE l.owner = EXCLUDED.owner OR l.expires_at <= now()
         RETURNING task_id`,
        [taskId, owner, Math.ceil(ttlMs)],
      );
      return rows.length === 1;
    },
    async release(taskId) {
      checkArgs(taskId);
      await ready();
      await sql.query(`DELETE FROM ${table} WHERE task_id = $1 AND owner = $2`, [taskId, owner]);
    },
  };
}
