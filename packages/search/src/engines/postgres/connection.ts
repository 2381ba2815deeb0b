import pg from 'pg';
import type { Pool, PoolClient } from 'pg';

/**
 * The engine's own pool for `connectionString`. An idle connection the server drops (restart,
 * failover, a terminated backend) makes the pool emit 'error'; unheard, that event ends the
 * process, so the engine listens (the pool replaces the connection on next use). A host's pool
 * is the host's to listen to.
 */
export function openOwnPool(connectionString: string): Pool {
  const pool = new pg.Pool({ connectionString, max: 4 });
  pool.on('error', () => {});
  return pool;
}

/**
 * Run `work` on one checked-out connection. A connection dropped between two statements emits
 * 'error' with no query to fail, which would end the process; it is heard here, and a broken
 * connection is discarded instead of going back to the pool.
 */
export async function withClient<T>(pool: Pool, work: (client: PoolClient, markBroken: (error: Error) => void) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    return await work(client, onError);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * Run `work` inside BEGIN/COMMIT on one connection (see {@link withClient}); a throw rolls back
 * and is rethrown. A failed rollback marks the connection broken.
 */
export function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client, markBroken) => {
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(markBroken);
      throw error;
    }
  });
}
