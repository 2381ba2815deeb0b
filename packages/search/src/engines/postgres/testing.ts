import pg from 'pg';
import type { Pool } from 'pg';

/** Connection string of the test server. */
export const PG_URL = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A pool to the test server, or the reason there is none. Under CI the server is required, so a
 * missing one is returned as a pool whose queries fail rather than as a skip.
 */
export async function connectTestPool(): Promise<{ pool: Pool } | { skip: string }> {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  try {
    await pool.query('SELECT 1');
    return { pool };
  } catch (error) {
    if (process.env.CI) return { pool };
    await pool.end().catch(() => {});
    return { skip: `PostgreSQL not reachable at ${PG_URL} (${(error as Error).message}); set PORTALKIT_PG_URL` };
  }
}

/** A fresh schema name for one test run. */
export function testSchemaName(): string {
  return `pk_test_search_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
