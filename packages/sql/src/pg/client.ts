import type { Pool, PoolClient } from 'pg';
import { ServiceUnavailableError } from '@portalkit/core';
import type { SqlClient } from '../client.js';

/**
 * Check out a connection for `fn`. One that broke (dropped, failed rollback or unlock) is
 * discarded instead of going back to the pool; a connection dropped between two statements
 * (an 'error' event with no query to fail) is heard here instead of crashing the process.
 *
 * @example
 * ```ts
 * await withConnection(pool, async (conn, markBroken) => {
 *   await conn.query('SELECT pg_advisory_lock(1)');
 *   await conn.query('SELECT pg_advisory_unlock(1)').catch(markBroken);
 * });
 * ```
 */
export async function withConnection<T>(pool: Pool, fn: (conn: PoolClient, markBroken: (error: Error) => void) => Promise<T>): Promise<T> {
  const conn = await pool.connect();
  let broken: Error | undefined;
  const markBroken = (error: Error) => {
    broken ??= error;
  };
  // A checked-out connection dropped between two statements emits 'error' with no query to
  // fail; unheard, that would crash the process.
  conn.on('error', markBroken);
  try {
    return await fn(conn, markBroken);
  } finally {
    conn.off('error', markBroken);
    conn.release(broken);
  }
}

// Connection-level failures: the server went away or ended this backend; the next connection
// from the pool may well work. Anything else (constraint, syntax) is not retried.
const transientCodes = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

/**
 * Whether `error` means the connection to PostgreSQL was lost (server restart, failover, a
 * terminated backend), so the same statement may well work on a new connection.
 *
 * @example
 * ```ts
 * if (isConnectionLoss(error)) markBroken(error as Error);
 * ```
 */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && transientCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|terminating connection|Client has encountered a connection error|Client was closed/i.test(message);
}

async function withReconnect<T>(fn: () => Promise<T>, name: string, retries: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      if (attempt >= retries) {
        throw new ServiceUnavailableError(`${name}: lost the connection to PostgreSQL ${attempt + 1} times in a row`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

/**
 * Options of {@link pgPoolClient}.
 * @example
 * ```ts
 * const options: PgPoolClientOptions = { name: 'myStore', retries: 5 };
 * ```
 */
export interface PgPoolClientOptions {
  /** Names the store in errors, e.g. `postgresStore`. */
  name: string;
  /** Retries of a statement or a whole transaction after a lost connection. Default 3. */
  retries?: number;
}

/**
 * A `pg` pool as a {@link SqlClient}: transactions run on one pooled connection, and each
 * top-level statement and each whole transaction is retried after a lost connection (then a
 * `ServiceUnavailableError`). Broken connections never go back to the pool.
 *
 * @example
 * ```ts
 * const client = pgPoolClient(new pg.Pool({ connectionString }), { name: 'myStore' });
 * await client.transaction(async (tx) => tx.query('INSERT INTO t VALUES ($1)', [1]));
 * ```
 */
export function pgPoolClient(pool: Pool, options: PgPoolClientOptions): SqlClient {
  const retries = options.retries ?? 3;
  const retrying = <T>(fn: () => Promise<T>) => withReconnect(fn, options.name, retries);
  const on = (conn: PoolClient): SqlClient => {
    const self: SqlClient = {
      async query<R>(text: string, params: readonly unknown[] = []) {
        const result = await conn.query(text, [...params]);
        return { rows: result.rows as R[] };
      },
      transaction: (fn) => fn(self),
    };
    return self;
  };
  return {
    query: <R>(text: string, params: readonly unknown[] = []) =>
      retrying(async () => {
        const result = await pool.query(text, [...params]);
        return { rows: result.rows as R[] };
      }),
    transaction: (fn) =>
      retrying(() =>
        withConnection(pool, async (conn, markBroken) => {
          try {
            await conn.query('BEGIN');
            const result = await fn(on(conn));
            await conn.query('COMMIT');
            return result;
          } catch (error) {
            if (isConnectionLoss(error)) markBroken(error as Error);
            await conn.query('ROLLBACK').catch(markBroken);
            throw error;
          }
        }),
      ),
  };
}
