import pg from 'pg';

/** Connection string of the test database. */
export const pgUrl = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether PostgreSQL answers; under CI an absent server is a failure, not a skip.
 * Resolves to a skip reason, or false when the database is usable.
 */
export async function postgresSkipReason(): Promise<string | false> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return false;
  } catch (error) {
    if (process.env.CI) throw new Error(`PostgreSQL is required under CI (${pgUrl}): ${(error as Error).message}`);
    return `no PostgreSQL at ${pgUrl}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh random schema name for one test. */
export function randomSchema(): string {
  return `pk_test_${Math.random().toString(36).slice(2, 10)}`;
}

/** Drop a test schema. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
