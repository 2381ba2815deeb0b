import pg from 'pg';

/** Connection string of the test database (`PORTALKIT_PG_URL`). */
export const pgUrl = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Resolves to a skip reason when PostgreSQL does not answer, or `false` when it does. Under CI
 * an absent server is a failure, not a skip.
 */
export async function postgresSkipReason(): Promise<string | false> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return false;
  } catch (error) {
    if (process.env.CI) throw new Error(`PostgreSQL is required under CI (${pgUrl}): ${(error as Error).message}`);
    const reason = `skipped: no PostgreSQL at ${pgUrl} (${(error as Error).message}); set PORTALKIT_PG_URL to run these tests`;
    console.warn(reason);
    return reason;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh schema name for one test. */
export function randomSchema(): string {
  return `pk_test_${Math.random().toString(36).slice(2, 10)}`;
}

/** Drop a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A pool to the test database, or the reason there is none (see {@link postgresSkipReason}). */
export async function connectTestPool(max = 4): Promise<{ pool: pg.Pool } | { skip: string }> {
  const skip = await postgresSkipReason();
  return skip ? { skip } : { pool: new pg.Pool({ connectionString: pgUrl, max }) };
}
